#!/usr/bin/env bash
# `make test`: the same stack on its own ports (reused if already up), the
# whole suite, the template lint; stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
local/install.sh
source local/stack.sh
trap stack_down EXIT
stack_up "${TEST_DDB_PORT:-8010}" "${TEST_MOTO_PORT:-5010}"
# CI must at least compile every Lambda binary, not only the ones tests link.
cargo check --quiet --workspace --bins
cargo test --workspace
local/lint.sh
