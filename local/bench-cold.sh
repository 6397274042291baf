#!/usr/bin/env bash
# `make bench-cold`: cold starts of function binaries vs hello-world
# lambda_http / lambda_runtime binaries built with the same profile (PROFILE,
# default release) for this machine, each started against a Runtime API
# emulator with DynamoDB on the local stack (plain and through a local TLS
# endpoint). BENCH_COLD_RUNS (20) interleaved starts per binary,
# BENCH_COLD_INVOCATIONS (1000) before VmHWM is read, BENCH_COLD_FUNCTIONS,
# BENCH_COLD_SECRETS=1 (the JWT secret read at init from Secrets Manager, as in AWS).
set -euo pipefail
cd "$(dirname "$0")/.."
local/install.sh
source local/stack.sh
trap stack_down EXIT
stack_up "${BENCH_MOTO_PORT:-5020}"
PROFILE="${PROFILE:-release}"
FUNCS="${BENCH_COLD_FUNCTIONS:-get-me list-gifts call-tick}"
cargo build --quiet --profile "$PROFILE" -p hello -p functions $(printf -- '--bin %s ' hello-http hello-runtime $FUNCS)
cargo build --quiet -p local --bin bench-cold
dir=target/$PROFILE; [ "$PROFILE" = dev ] && dir=target/debug
RUST_LOG=warn target/debug/bench-cold "$dir" $FUNCS
