#!/usr/bin/env bash
# `make bench`: the benchmarks against the local stack (own ports, reused if up):
# send-gift and call-tick through the use cases vs the bare transactions, then
# the live channels' and the crowd cases through the HTTP API of dev servers
# run as `make run` runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
local/install.sh
source local/stack.sh
trap stack_and_server_down EXIT
stack_up "${BENCH_MOTO_PORT:-5020}"
cargo build --quiet --profile bench-local -p local --bin bench --bin dev-server --bin reconcile-local --bin live-bench
# 1,000 due calls by default: 10,000 take about half an hour on moto (BENCH_TICK_CALLS=1000,10000).
BENCH_TICK_CALLS="${BENCH_TICK_CALLS:-1000}" target/bench-local/bench

# The live channels: a gift's 201 to its message at 100 subscribers of the
# room, on a dev server as `make run` runs it (the tick once a minute).
LIVE_PORT="${BENCH_LIVE_PORT:-3021}"
DEV_SERVER_BIN=target/bench-local/dev-server test_dev_server "$LIVE_PORT" bench-live CALL_TICK_SECS=60
target/bench-local/live-bench "http://127.0.0.1:$LIVE_PORT" "${BENCH_LIVE_SUBSCRIBERS:-100}" "${BENCH_LIVE_GIFTS:-100}"
kill "$SERVER" 2>/dev/null || true

# The crowd: one host in one live room vs the same sends over 10 hosts (all from
# this machine: per-IP sign-up limits off).
PORT="${BENCH_API_PORT:-3020}"
export TABLE_NAME="bench-crowd-$(date +%s)" JWT_SECRET=bench-secret-bench-secret-bench-secret-0123
# The tick every 5 s, so the mixed run's calls are billed while they run.
CALL_TICK_SECS=5 \
  EMAIL_FROM=no-reply@demo.local PAYMENTS_MODE=local PUSH_MODE=log MEDIA_BUCKET=streamly-media-bench \
  AGORA_APP_ID=0123456789abcdef0123456789abcdef AGORA_APP_CERTIFICATE=fedcba9876543210fedcba9876543210 \
  RATE_LIMITS=off API_ADDR="127.0.0.1:$PORT" RUST_LOG=warn target/bench-local/dev-server >".run/bench-dev-server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 150); do
  curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/gifts" && break
  sleep 0.2
done
# Known vs unknown logins: same answers, same time. First, on a quiet stack:
# after the crowds moto is busy for minutes with the stream reader's backlog.
python3 local/existence.py "${BENCH_EXISTENCE_ROUNDS:-20}" "http://127.0.0.1:$PORT"
# A PK battle: how soon a gift shows in its side's score, and the scores exact at the end.
python3 local/pk.py "${BENCH_PK_GIFTS:-60}" "http://127.0.0.1:$PORT"
for crowd in ${BENCH_CROWDS:-50x40 200x10}; do
  python3 local/crowd.py "${crowd%x*}" "${crowd#*x}" "http://127.0.0.1:$PORT"
done
# Everything at once (sign-ups, follows, feed, gifts, posts, calls billed by the
# tick), then the nightly reconciliation over the whole run: 0 mismatches.
python3 local/mixed.py "${BENCH_MIXED_USERS:-40}" "${BENCH_MIXED_ACTIONS:-15}" "http://127.0.0.1:$PORT"
report=$(PAYMENTS_MODE=local RUST_LOG=warn target/bench-local/reconcile-local | tail -1)
echo "reconcile over the run: $report"
python3 -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit(0 if r["complete"] and r["mismatches"] == 0 else "reconcile found mismatches")' "$report"
