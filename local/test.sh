#!/usr/bin/env bash
# `make test`: the same stack on its own ports (reused if already up), the
# whole suite, the template lint, schemathesis; stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
local/install.sh --browser
source local/stack.sh
trap stack_down EXIT
stack_up "${TEST_MOTO_PORT:-5010}"
# CI must at least compile every Lambda binary, not only the ones tests link.
cargo check --quiet --workspace --bins
local/lint.sh
# Unit tests of the shared crates, then the one integration-test binary last.
cargo test --quiet --workspace --exclude functions --exclude api-tests --lib
cargo test -p api-tests --test api
cargo build --quiet -p local --bin dev-server
# The web console driven in headless Chromium against a dev server on the same stack.
local/e2e.sh
# Every operation of openapi.json fuzzed against a dev server on the same stack.
local/fuzz.sh
