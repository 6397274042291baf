#!/usr/bin/env bash
# Sourced by run.sh, test.sh and bench.sh. `stack_up PORT` starts the local AWS
# stack (local/moto_server.py: DynamoDB with its stream, S3, SNS, SES, all from
# moto) unless something already answers on that port, and records what it
# started so `stack_down` stops exactly that.
#
# DYNAMODB_ENDPOINT (optional): send DynamoDB to that endpoint instead, e.g.
# https://dynamodb.eu-west-1.amazonaws.com with real credentials in the
# environment, to run the suite against a real table (S3/SNS/SES stay on moto).
STACK_PIDS=()
SERVER="" # a dev server started by the sourcing script, stopped by stack_and_server_down

answers() { curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/moto-api/" ; }

wait_for() { # port name
  for _ in $(seq 1 150); do answers "$1" && return 0; sleep 0.2; done
  echo "$2 did not start on port $1; see .run/$2-$1.log" >&2; return 1
}

stack_up() {
  local port=$1
  mkdir -p .run
  if ! answers "$port"; then
    .tools/venv/bin/python local/moto_server.py "$port" >".run/moto-$port.log" 2>&1 &
    STACK_PIDS+=($!)
  fi
  wait_for "$port" moto
  export AWS_REGION="${AWS_REGION:-us-east-1}" AWS_EC2_METADATA_DISABLED=true
  export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
  if [ -n "${DYNAMODB_ENDPOINT:-}" ]; then
    export AWS_ENDPOINT_URL_DYNAMODB="$DYNAMODB_ENDPOINT" # real credentials: moto takes any
    # The stream's reader (the push tests) needs the matching Streams endpoint.
    if [ -n "${DYNAMODB_STREAMS_ENDPOINT:-}" ]; then
      export AWS_ENDPOINT_URL_DYNAMODB_STREAMS="$DYNAMODB_STREAMS_ENDPOINT"
    fi
  else
    export AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$port"
    export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local
    # One DynamoDB request at a time: many racing requests on one wallet take
    # far longer to sort out than on DynamoDB, so allow more than AWS's 3 s
    # (a gift is a 14-item transaction, ~70 ms of moto's time; 50 racing
    # gifts on 10 wallets queue for seconds on a busy 2-core machine).
    export RETRY_BUDGET_MS="${RETRY_BUDGET_MS:-40000}"
  fi
}

stack_down() {
  set +e
  for pid in "${STACK_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${STACK_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  STACK_PIDS=()
}

stack_and_server_down() {
  set +e
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; fi
  stack_down
}

# No Firebase project: a local service-account key so POST /me/chat-token
# works (tokens a local emulator can check), and pushes go to the log.
local_firebase() {
  if [ -z "${FIREBASE_SERVICE_ACCOUNT:-}" ]; then
    local key=.tools/firebase-local-key.pem
    # With the venv's `cryptography` (moto's dependency): no openssl CLI needed.
    [ -f "$key" ] || .tools/venv/bin/python -c 'import sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
k = rsa.generate_private_key(public_exponent=65537, key_size=2048)
open(sys.argv[1], "wb").write(k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))' "$key"
    FIREBASE_SERVICE_ACCOUNT=$(python3 -c 'import json,sys; print(json.dumps({"project_id": "streamly-local", "client_email": "firebase-adminsdk@streamly-local.iam.gserviceaccount.com", "private_key": open(sys.argv[1]).read()}))' "$key")
    export FIREBASE_SERVICE_ACCOUNT
    export PUSH_MODE=log
  fi
}

# `test_dev_server PORT NAME [VAR=value ...]`: a dev server for a test run
# (schemathesis, the browser tests) on the stack already up, over a fresh
# table `NAME-<time>` (its name in SERVER_TABLE) with the demo data and local-only secrets, logging to
# .run/NAME-dev-server.log; sets SERVER and waits until it answers. Extra
# VAR=value pairs go into its environment.
test_dev_server() {
  local port=$1 name=$2
  shift 2
  local_firebase
  SERVER_TABLE="$name-$(date +%s)"
  env TABLE_NAME="$SERVER_TABLE" JWT_SECRET="$name-secret-$name-secret-0123456789abcdef0123456789" \
    EMAIL_FROM=no-reply@demo.local PAYMENTS_MODE=local MEDIA_BUCKET="streamly-media-$name" \
    AGORA_APP_ID=0123456789abcdef0123456789abcdef AGORA_APP_CERTIFICATE=fedcba9876543210fedcba9876543210 \
    RATE_LIMITS=off CALL_TICK_SECS=3600 API_ADDR="127.0.0.1:$port" RUST_LOG=warn "$@" \
    "${DEV_SERVER_BIN:-target/debug/dev-server}" >".run/$name-dev-server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 300); do
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/gifts" && return 0
    sleep 0.2
  done
  echo "the $name dev server did not start; see .run/$name-dev-server.log" >&2
  return 1
}
