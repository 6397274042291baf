#!/usr/bin/env bash
# The web console in headless Chromium (Playwright, console/tests) against a
# dev server on the test stack with the demo data and a fresh table. Builds the
# console and expects the dev server built (local/test.sh does both). A failing
# test leaves its screenshot under console/test-results/.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${E2E_API_PORT:-3020}"
mkdir -p .run
(cd console && npm run --silent build >/dev/null)
source local/stack.sh
stack_up "${TEST_MOTO_PORT:-5010}" >/dev/null # reused when make test has it up
local_firebase
TABLE_NAME="e2e-$(date +%s)" JWT_SECRET=e2e-secret-e2e-secret-e2e-secret-0123456789 \
  EMAIL_FROM=no-reply@demo.local PAYMENTS_MODE=local MEDIA_BUCKET=streamly-media-e2e \
  AGORA_APP_ID=0123456789abcdef0123456789abcdef AGORA_APP_CERTIFICATE=fedcba9876543210fedcba9876543210 \
  RATE_LIMITS=off CALL_TICK_SECS=3600 API_ADDR="127.0.0.1:$PORT" RUST_LOG=warn \
  target/debug/dev-server >.run/e2e-dev-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/gifts" && break
  sleep 0.2
done
cd console
if ! CONSOLE_BASE="http://127.0.0.1:$PORT" npx playwright test "$@"; then
  echo "browser tests failed; screenshots: $(find test-results -name '*.png' 2>/dev/null | tr '\n' ' ')" >&2
  exit 1
fi
