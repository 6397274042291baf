#!/usr/bin/env bash
# `make bench`: the benchmarks against the local stack (own ports, reused if up).
set -euo pipefail
cd "$(dirname "$0")/.."
local/install.sh
source local/stack.sh
trap stack_down EXIT
stack_up "${BENCH_MOTO_PORT:-5020}"
cargo run --quiet --profile bench-local -p local --bin bench
