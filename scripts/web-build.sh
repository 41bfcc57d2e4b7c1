#!/usr/bin/env bash
# Builds the browser form: the rules compiled to WASM (web/pkg for the browser,
# pkg-node for the Node parity tests) and the Vite build in web/dist.
# Idempotent; installs what is missing: npm packages (npm ci), the wasm32 target,
# wasm-bindgen-cli at the version pinned in crates/wasm/Cargo.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# Cargo's output directory: CARGO_TARGET_DIR when set (absolute or relative to the root), else target/.
TARGET_DIR=$(realpath -m "${CARGO_TARGET_DIR:-target}")

WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' crates/wasm/Cargo.toml)
[ -n "$WASM_BINDGEN_VERSION" ] || { echo "web-build: no pinned wasm-bindgen in crates/wasm/Cargo.toml" >&2; exit 1; }

step() { printf '\n== %s\n' "$*"; }

step "npm packages (web/)"
# npm ci again only when package-lock.json changed since the last install (a stamp in node_modules).
lock_sum=$(sha256sum web/package-lock.json | cut -d' ' -f1)
if [ "$(cat web/node_modules/.jixiao-lock 2>/dev/null || true)" != "$lock_sum" ]; then
  (cd web && npm ci --no-audit --no-fund)
  echo "$lock_sum" > web/node_modules/.jixiao-lock
fi

step "wasm32 target"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

step "wasm-bindgen-cli $WASM_BINDGEN_VERSION"
export PATH="$HOME/.cargo/bin:$PATH"
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  # Not --locked: the CLI's own lockfile asks for a crate version the index lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

step "cargo build -p jixiao-wasm (wasm32, release)"
# Size settings for this wasm32 build only (native release builds keep the workspace
# profile): opt-level "z" for every crate, fat LTO, one codegen unit, abort on panic.
# Measured: 375 KB / 152 KB gzipped with the workspace's "s", 298 KB / 124 KB with these.
CARGO_PROFILE_RELEASE_LTO=true CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 CARGO_PROFILE_RELEASE_PANIC=abort \
  cargo build -p jixiao-wasm --release --target wasm32-unknown-unknown \
  --config 'profile.release.opt-level="z"' --config 'profile.release.package.jixiao-wasm.opt-level="z"'
WASM=$TARGET_DIR/wasm32-unknown-unknown/release/jixiao_wasm.wasm

step "wasm-bindgen (web/pkg and pkg-node)"
wasm-bindgen --target web --out-dir web/pkg "$WASM"
wasm-bindgen --target nodejs --out-dir pkg-node "$WASM"
cmp -s web/pkg/jixiao_wasm_bg.wasm pkg-node/jixiao_wasm_bg.wasm ||
  { echo "web-build: the web and nodejs .wasm differ; optimise each separately" >&2; exit 1; }

step "wasm-opt -Oz (npm binaryen; Debian's 108 breaks modules)"
# Both targets get the same .wasm (only the JS glue differs): optimise once, test what ships.
# The result is cached in the target directory by the hash of its input, so a rebuild with no change is quick.
pre_sum=$(sha256sum web/pkg/jixiao_wasm_bg.wasm | cut -d' ' -f1)
cache=$TARGET_DIR/wasm-opt-cache
if [ -f "$cache/$pre_sum.wasm" ]; then
  echo "unchanged since the last build: reusing $cache/$pre_sum.wasm"
else
  web/node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    web/pkg/jixiao_wasm_bg.wasm -o "$cache.tmp.wasm"
  rm -rf "$cache" && mkdir -p "$cache" && mv "$cache.tmp.wasm" "$cache/$pre_sum.wasm"
fi
cp "$cache/$pre_sum.wasm" web/pkg/jixiao_wasm_bg.wasm
cp "$cache/$pre_sum.wasm" pkg-node/jixiao_wasm_bg.wasm

step "vite build (web/dist)"
(cd web && npm run --silent build)

printf '\nweb-build: ok — %s\n' "$(ls -1 web/dist/assets | tr '\n' ' ')"
