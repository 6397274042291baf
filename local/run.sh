#!/usr/bin/env bash
# `make run`: the whole API on http://127.0.0.1:3000 over moto (local/moto_server.py).
set -euo pipefail
cd "$(dirname "$0")/.."
local/install.sh
echo "building the dev server (the first build takes a few minutes)..."
cargo build --quiet -p local --bin dev-server
echo "building the web console..."
(cd console && npm run --silent build >/dev/null)
source local/stack.sh
trap stack_and_server_down EXIT
trap 'exit 130' INT TERM
stack_up "${MOTO_PORT:-5000}"
# Local-only values; deployed functions read theirs from Secrets Manager / SSM.
export TABLE_NAME="${TABLE_NAME:-streamly-local}"
# The published local secret: the dev server refuses it unless API_ADDR is loopback.
export JWT_SECRET="${JWT_SECRET:-local-development-secret-not-for-production}"
export EMAIL_FROM="${EMAIL_FROM:-no-reply@demo.local}"
export PAYMENTS_MODE=local # made-up provider orders; webhook secrets whsec_local_demo / rzp_local_demo
# The local Agora project (tokens checkable with any Agora token tool) and the tick interval.
export AGORA_APP_ID="${AGORA_APP_ID:-0123456789abcdef0123456789abcdef}"
export AGORA_APP_CERTIFICATE="${AGORA_APP_CERTIFICATE:-fedcba9876543210fedcba9876543210}"
export MEDIA_BUCKET="${MEDIA_BUCKET:-streamly-media-local}" # created in moto at start-up
local_firebase
export CALL_TICK_SECS="${CALL_TICK_SECS:-60}"
export API_ADDR="${API_ADDR:-127.0.0.1:3000}"
target/debug/dev-server &
SERVER=$!
wait "$SERVER"
