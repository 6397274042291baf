#!/usr/bin/env bash
# `make test`: the same stack on its own ports (reused if already up), the
# whole suite, the template lint, schemathesis; stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each step's end and the time so far, so a slow CI run shows where it went.
step() { echo "== make test: $1 done at $((SECONDS / 60)) min $((SECONDS % 60)) s"; }
local/install.sh --browser
step install
source local/stack.sh
trap stack_down EXIT
stack_up "${TEST_MOTO_PORT:-5010}"
# Every Lambda binary (and the dev server), built with the dependencies the
# tests use next: a binary is one call into app, so each only links (a
# `cargo check` first would compile every dependency a second time).
cargo build --quiet --workspace --bins
step "build"
local/lint.sh
step lint
# Unit tests of the shared crates, then the one integration-test binary last.
cargo test --quiet --workspace --exclude functions --exclude api-tests --lib
step "unit tests"
cargo test -p api-tests --test api
step "API tests"
# The web console driven in headless Chromium against a dev server on the same stack.
local/e2e.sh
step "browser tests"
# Clients generated from openapi.json (TypeScript, Python), each through a buyer's journey.
local/clients.sh
step "generated clients"
# Every operation of openapi.json fuzzed against a dev server on the same stack.
local/fuzz.sh
step schemathesis
