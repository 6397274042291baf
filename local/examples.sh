#!/usr/bin/env bash
# `make examples`: the document's examples are the API tests' own first
# successful request and answer of each operation (support::note_example),
# recorded on the test stack; then openapi.json is rewritten with them.
set -euo pipefail
cd "$(dirname "$0")/.."
local/install.sh
source local/stack.sh
trap stack_down EXIT
stack_up "${TEST_MOTO_PORT:-5010}"
mkdir -p .run
echo '{}' > .run/examples.json
# (not the tests that read them: they read the examples being replaced)
API_EXAMPLES_COLLECT="$PWD/.run/examples.json" cargo test --quiet -p api-tests --test api -- \
  --skip consistency::every_request_and_success_body_has_an_example_recorded_from_the_api \
  --skip docs::a_create_requires_what_a_new_record_needs_and_its_edit_requires_nothing
cp .run/examples.json shared/app/src/http/examples.json
cargo run --quiet -p local --bin openapi > openapi.json
