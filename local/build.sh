#!/usr/bin/env bash
# `make build`: every function in functions/src/bin for Lambda's arm64
# (Graviton), with cargo-lambda as `sam build` runs it (BuildMethod
# rust-cargolambda), into target/lambda/<name>/bootstrap.zip; prints the
# total time and each zip's size. PROFILE=<cargo profile> (default release).
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS=.tools
if ! cmp -s local/build-requirements.txt $TOOLS/build/requirements.txt; then
  echo "installing cargo-lambda and zig into $TOOLS/build..."
  python3 -m venv $TOOLS/build
  $TOOLS/build/bin/pip install --quiet --disable-pip-version-check -r local/build-requirements.txt
  cp local/build-requirements.txt $TOOLS/build/requirements.txt
fi
export PATH="$PWD/$TOOLS/build/bin:$PATH"
rustup target list --installed | grep -q '^aarch64-unknown-linux-gnu$' || rustup target add aarch64-unknown-linux-gnu
PROFILE="${PROFILE:-release}"
if [ "$PROFILE" = release ]; then profile_flag=(--release); else profile_flag=(--profile "$PROFILE"); fi
start=$(date +%s)
cargo lambda build "${profile_flag[@]}" --arm64 --output-format zip --lambda-dir target/lambda \
  --package functions $(if [ -n "${FUNCTIONS:-}" ]; then printf -- '--bin %s ' $FUNCTIONS; else echo --bins; fi)
end=$(date +%s)
names=${FUNCTIONS:-$(ls functions/src/bin | sed 's/\.rs$//')}
python3 - "$((end - start))" $names <<'PY'
import os, sys
secs, names = int(sys.argv[1]), sys.argv[2:]
rows = [(n, os.path.getsize(f"target/lambda/{n}/bootstrap.zip")) for n in names]
for name, size in rows:
    print(f"{size / 1e6:7.2f} MB  {name}")
sizes = sorted(s for _, s in rows)
print(f"{len(rows)} functions built in {secs // 60} min {secs % 60} s; zips: median {sizes[len(sizes) // 2] / 1e6:.2f} MB, "
      f"largest {sizes[-1] / 1e6:.2f} MB, all {sum(sizes) / 1e6:.1f} MB")
PY
