#!/usr/bin/env bash
# The document as app developers use it: a TypeScript client (openapi-typescript
# + openapi-fetch) and a Python client (openapi-python-client) generated from
# openapi.json into git-ignored folders, the TypeScript journey type-checked
# against its generated types, then both journeys run against a dev server on
# the test stack with the demo data; and AWS Amplify's events client on the
# live channels (console/clients/live.spec.ts). Expects the dev server built.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${CLIENTS_API_PORT:-3030}"
mkdir -p .run/clients console/generated
(cd console && npx openapi-typescript ../openapi.json -o generated/api.d.ts >/dev/null && npx tsc -p clients)
rm -rf .run/clients/streamly_api
PATH="$PWD/.tools/venv/bin:$PATH" .tools/venv/bin/openapi-python-client generate --path openapi.json \
  --output-path .run/clients/streamly_api --meta none >.run/clients/python-generate.log 2>&1 ||
  { cat .run/clients/python-generate.log >&2; exit 1; }
if grep -q "Warning" .run/clients/python-generate.log; then
  cat .run/clients/python-generate.log >&2 # a part of the document the generator could not read
  exit 1
fi
source local/stack.sh
stack_up "${TEST_MOTO_PORT:-5010}" >/dev/null # reused when make test has it up
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null || true' EXIT
test_dev_server "$PORT" clients
export API_BASE="http://127.0.0.1:$PORT"
.tools/venv/bin/python local/clients/journey.py .run/clients
(cd console && npx playwright test --config clients/playwright.config.ts)
