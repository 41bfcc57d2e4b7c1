#!/usr/bin/env bash
# Installs what jixiao's build and tests need on a fresh machine (idempotent):
# the wasm32 target, wasm-bindgen-cli at exactly the Cargo.lock version, Debian's
# Chromium (browser tests; never a downloaded browser) and the web npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must equal the wasm-bindgen crate version in Cargo.lock.
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock 2>/dev/null || true)
if [ -n "${want}" ]; then
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "${have}" != "${want}" ]; then
    log "installing wasm-bindgen-cli ${want} (found '${have:-none}')"
    cargo install wasm-bindgen-cli --version "${want}" --force   # not --locked: its lockfile is broken (STACK.md)
  fi
fi

if [ ! -x /usr/bin/chromium ]; then
  log "installing Debian chromium (for browser tests)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# npm ci once per lockfile: the stamp is the lockfile's hash (web-build.sh reads the same stamp).
if [ -f web/package-lock.json ]; then
  lock_sum=$(sha256sum web/package-lock.json | cut -d' ' -f1)
  if [ "$(cat web/node_modules/.jixiao-lock 2>/dev/null || true)" != "$lock_sum" ]; then
    log "npm ci (web)"
    (cd web && npm ci --no-audit --no-fund)
    echo "$lock_sum" > web/node_modules/.jixiao-lock
  fi
fi
log "ok"
