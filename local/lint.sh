#!/usr/bin/env bash
# `make lint`: the SAM templates (template.yaml and each domain's stack in
# stacks/) through cfn-lint and `sam validate --lint`.
set -euo pipefail
cd "$(dirname "$0")/.."
local/install.sh
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 SAM_CLI_TELEMETRY=0
.tools/venv/bin/cfn-lint template.yaml stacks/*.yaml
# Two at a time: each run is more Python start-up than work.
printf '%s\n' template.yaml stacks/*.yaml |
  xargs -P 2 -I{} .tools/venv/bin/sam validate --lint --template {} >/dev/null
echo "template.yaml and stacks/: cfn-lint and sam validate --lint passed"
