#!/usr/bin/env bash
# `make lint`: the SAM template through cfn-lint and `sam validate --lint`.
set -euo pipefail
cd "$(dirname "$0")/.."
local/install.sh
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 SAM_CLI_TELEMETRY=0
.tools/venv/bin/cfn-lint template.yaml
.tools/venv/bin/sam validate --lint --template template.yaml >/dev/null
echo "template.yaml: cfn-lint and sam validate --lint passed"
