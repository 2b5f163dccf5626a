#!/usr/bin/env bash
# Builds the worker with worker-build, skipping the build when its inputs have not changed.
# wrangler runs this as [build].command (twice at `wrangler dev` start); `cargo xtask` prebuilds it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/worker"
stamp=build/.inputs.sha256
sdk_dist=${PULSEGATE_SDK_DIST:-$root/target/sdk-dist}
# The SDK bundle is embedded in the worker, so it is an input too (absent before the first SDK build).
inputs=$( { find "$root/worker/src" "$root/worker/build.rs" "$root/worker/Cargo.toml" "$root/schema/src" \
  "$root/schema/Cargo.toml" "$root/Cargo.toml" "$root/Cargo.lock" -type f; find "$sdk_dist" -type f 2>/dev/null || true; } \
  | LC_ALL=C sort | xargs sha256sum | sed "s#$root/##" | sha256sum | cut -d' ' -f1)
if [[ -f build/index.js && -f "$stamp" && "$(cat "$stamp")" == "$inputs" ]]; then
  echo "worker build is up to date"
  exit 0
fi
: "${WASM_BINDGEN_BIN:?set WASM_BINDGEN_BIN (cargo xtask sets it)}"
: "${WASM_OPT_BIN:?set WASM_OPT_BIN to node_modules/.bin/wasm-opt (cargo xtask sets it)}"
worker-build --release
echo "$inputs" > "$stamp"
