#!/usr/bin/env bash
# Installs the local stack's tools into git-ignored .tools/ on first use: a
# Python venv with moto's server (DynamoDB, S3, SNS, SES), cfn-lint, the SAM
# CLI, and schemathesis. Needs only Python 3; re-installs when
# local/requirements.txt changes.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS=.tools
if ! cmp -s local/requirements.txt $TOOLS/venv/requirements.txt; then
  echo "installing moto, cfn-lint, the SAM CLI and schemathesis into $TOOLS/venv..."
  python3 -m venv $TOOLS/venv
  $TOOLS/venv/bin/pip install --quiet --disable-pip-version-check -r local/requirements.txt
  cp local/requirements.txt $TOOLS/venv/requirements.txt
fi
