#!/usr/bin/env bash
# `make reconcile`, `make redrive`: one of local/'s tools (`local/against-run.sh
# BIN [ARGS]`) against the running `make run` stack (its moto, table and
# queues); its result is the last line, one JSON object.
set -euo pipefail
cd "$(dirname "$0")/.."
source local/stack.sh
stack_up "${MOTO_PORT:-5000}" >/dev/null
export TABLE_NAME="${TABLE_NAME:-streamly-local}"
export JWT_SECRET="${JWT_SECRET:-local-development-secret-not-for-production}"
export PAYMENTS_MODE=local RUST_LOG="${RUST_LOG:-warn}"
bin=$1
shift
cargo run --quiet -p local --bin "$bin" -- "$@"
