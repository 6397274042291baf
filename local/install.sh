#!/usr/bin/env bash
# Installs the local stack's tools on first use, into git-ignored folders or
# through the package manager:
# - .tools/venv: moto's server (DynamoDB, S3, SNS, SES), cfn-lint, the SAM CLI
#   and schemathesis (re-installed when local/requirements.txt changes);
# - console/node_modules: the web console's npm packages (`npm ci`, again
#   when console/package-lock.json changes);
# - Debian's chromium for the browser tests (Playwright cannot download its own here).
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS=.tools
if ! cmp -s local/requirements.txt $TOOLS/venv/requirements.txt; then
  echo "installing moto, cfn-lint, the SAM CLI and schemathesis into $TOOLS/venv..."
  python3 -m venv $TOOLS/venv
  $TOOLS/venv/bin/pip install --quiet --disable-pip-version-check -r local/requirements.txt
  cp local/requirements.txt $TOOLS/venv/requirements.txt
fi
if ! cmp -s console/package-lock.json console/node_modules/.package-lock.json.installed; then
  echo "installing the console's npm packages into console/node_modules..."
  (cd console && npm ci --no-audit --no-fund --loglevel=error)
  cp console/package-lock.json console/node_modules/.package-lock.json.installed
fi
if [ "${1:-}" = "--browser" ] && [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "installing Debian's chromium for the browser tests..."
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
