#!/usr/bin/env bash
# schemathesis over every operation of the committed openapi.json, against a
# dev server on the test stack (demo data, one token per role): no 5xx, every
# status and body as documented, bad input refused, auth not ignored.
# Fixed seed and bounded examples: minutes, not hours. Expects the dev server
# built (local/test.sh builds it). One worker: two trip a thread race inside
# Hypothesis ("AST constructor recursion depth mismatch").
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${FUZZ_API_PORT:-3010}"
mkdir -p .run
source local/stack.sh
stack_up "${TEST_MOTO_PORT:-5010}" >/dev/null # reused when make test has it up
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null || true' EXIT
test_dev_server "$PORT" fuzz
token() {
  curl -s "http://127.0.0.1:$PORT/auth/login" -H 'content-type: application/json' \
    -d "{\"login\":\"$1\",\"password\":\"$2\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
export USER_TOKEN ADMIN_TOKEN AGENCY_TOKEN HOST_TOKEN
USER_TOKEN=$(token user1@demo.local demo-user-pass)
ADMIN_TOKEN=$(token admin@demo.local demo-admin-pass)
AGENCY_TOKEN=$(token agency@demo.local demo-agency-pass)
HOST_TOKEN=$(token host1@demo.local demo-host-pass)
fuzz() { # phases, then more options
  local phases=$1
  shift
  .tools/venv/bin/schemathesis --config-file local/schemathesis.toml run openapi.json \
    --url "http://127.0.0.1:$PORT" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,negative_data_rejection,ignored_auth \
    --seed "${FUZZ_SEED:-20261129}" --max-examples "${FUZZ_EXAMPLES:-10}" \
    --phases "$phases" \
    --workers 1 --request-timeout 30 --no-color --generation-database none "$@"
}
# A ban ends every login of the account it hits, the demo accounts' too: the
# tokens above would answer 401 from then on, so bans are fuzzed last, alone.
fuzz "${FUZZ_PHASES:-examples,coverage,fuzzing,stateful}" --exclude-operation-id ban-user "$@"
# (no stateful phase: no link leads only between these two)
fuzz examples,coverage,fuzzing --include-operation-id ban-user --include-operation-id unban-user "$@"
