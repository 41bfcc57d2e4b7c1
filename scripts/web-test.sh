#!/usr/bin/env bash
# Tests of the browser side: the wasm-bindgen-test smoke tests (wasm32, in Node), the
# parity tests (the WASM module vs the `jixiao` CLI, in Node) and the Playwright
# browser test in Debian's Chromium. Builds first (scripts/web-build.sh) unless
# JIXIAO_WEB_BUILT=1; installs Chromium, a CJK font and poppler-utils (pdftotext and
# pdftoppm, for the printed pages of print.test.mjs) from apt when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n== %s\n' "$*"; }

if [ "${JIXIAO_WEB_BUILT:-}" != 1 ]; then
  scripts/web-build.sh
fi

step "Chromium, a CJK font and poppler-utils (apt, when missing)"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi 'wqy\|noto.*cjk' || missing+=(fonts-wqy-microhei)
command -v pdftoppm >/dev/null && command -v pdftotext >/dev/null || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

step "cargo build -p jixiao (the CLI the parity tests compare with)"
cargo build -p jixiao
export JIXIAO_BIN="$(realpath -m "${CARGO_TARGET_DIR:-target}")/debug/jixiao"

step "wasm-bindgen-test smoke tests (wasm32 in Node)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p jixiao-wasm --target wasm32-unknown-unknown

step "parity (WASM vs CLI) and the browser test (node --test)"
node --test --test-concurrency=1 tests/e2e/
