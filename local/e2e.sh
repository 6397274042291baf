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
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null || true' EXIT
test_dev_server "$PORT" e2e
cd console
if ! CONSOLE_BASE="http://127.0.0.1:$PORT" npx playwright test "$@"; then
  echo "browser tests failed; screenshots: $(find test-results -name '*.png' 2>/dev/null | tr '\n' ' ')" >&2
  exit 1
fi
