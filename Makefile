.PHONY: run test lint build check bench bench-cold capacity openapi template reconcile redrive examples

# The whole API on http://127.0.0.1:3000 with demo data; Ctrl-C stops everything.
run:
	@local/run.sh

# The same stack on its own ports, every test, the template lint.
test:
	@local/test.sh

lint:
	@local/lint.sh

check:
	cargo check --workspace --all-targets

# Every function for Lambda's arm64 with cargo-lambda (as `sam build` does), zipped in
# target/lambda/<name>/; prints the time and each zip's size (PROFILE=, FUNCTIONS= narrow it).
build:
	@local/build.sh

# send-gift and call-tick vs the bare transactions, then over HTTP on the local stack: the PK score latency, the crowd case, mixed traffic.
bench:
	@local/bench.sh

# The money paths' footprints recorded on the local stack, run through a model
# of DynamoDB (conflicts, partition limits, retries) at production rates.
capacity:
	@local/capacity.sh

# Cold starts (init, first invocation plain and over TLS, warm, VmHWM) vs hello-world functions.
bench-cold:
	@local/bench-cold.sh

# The nightly reconciliation over everything in the running `make run` stack (FROM=/TO= days narrow it).
reconcile:
	@local/against-run.sh reconcile-local $(if $(FROM),--from $(FROM)) $(if $(TO),--to $(TO))

# Replays the batches the running `make run` stack's aggregator gave up on (its dead-letter queue).
redrive:
	@local/against-run.sh redrive-local

# openapi.json from the route table and the request types (a test fails when it is stale).
openapi:
	cargo run --quiet -p local --bin openapi > openapi.json

# The document's examples, recorded from the API tests' real requests and answers, then openapi.json.
examples:
	@local/examples.sh

# template.yaml and stacks/<domain>.yaml from the route table and infra/root.yaml (a test fails when stale).
template:
	cargo run --quiet -p local --bin template
