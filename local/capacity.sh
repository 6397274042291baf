#!/usr/bin/env bash
# `make capacity`: record the money paths' footprints on the local stack
# (own ports), then run them through the DynamoDB model at production rates
# (local/capacity.py); then one room's live channel at 1,000 gifts a second
# through the gift packing code (channel-capacity). CAPACITY_SECONDS:
# arrivals per scenario (5).
set -euo pipefail
cd "$(dirname "$0")/.."
local/install.sh
source local/stack.sh
trap stack_and_server_down EXIT
stack_up "${CAPACITY_MOTO_PORT:-5030}"
cargo build --quiet -p local --bin dev-server
PORT="${CAPACITY_API_PORT:-3030}"
test_dev_server "$PORT" capacity CALL_TICK_SECS=2 RATE_LIMITS=off
python3 local/capacity.py "$AWS_ENDPOINT_URL" "http://127.0.0.1:$PORT" "$SERVER_TABLE" "${CAPACITY_SECONDS:-5}"
cargo run --quiet --release -p local --bin channel-capacity 1000 60
