#!/usr/bin/env bash
# Runs every check and test of jixiao: formatting, clippy, the rules crate's purity
# (wasm32 build, no diesel/actix/tokio), all Rust tests (SQLite always, PostgreSQL when
# reachable — required in CI), the web build, WASM parity and browser tests, schemathesis
# against the OpenAPI document, and the replica test.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1;32m==> %s\033[0m\n' "$*"; }

step "setup"
./scripts/setup.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "rules crate builds for wasm32 and stays pure"
cargo check -p jixiao-rules --target wasm32-unknown-unknown
for dep in diesel actix-web tokio; do
  if [ -n "$(cargo tree -p jixiao-rules -e normal --target all -i "$dep" 2>/dev/null || true)" ]; then
    echo "jixiao-rules depends on $dep: the rules crate must stay pure" >&2
    exit 1
  fi
done

step "PostgreSQL for the API tests"
PG_URL="${JIXIAO_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  export JIXIAO_TEST_POSTGRES="$PG_URL"
  echo "using $JIXIAO_TEST_POSTGRES"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL on 127.0.0.1:5432 is unreachable; CI requires it" >&2
  exit 1
else
  echo "PostgreSQL not reachable: API tests run on SQLite only (CI requires both)"
fi

step "cargo test --workspace"
cargo test --workspace

if [ -x scripts/web-build.sh ]; then
  step "web build (WASM + form)"
  ./scripts/web-build.sh
fi
if [ -x scripts/web-test.sh ]; then
  step "web tests (WASM parity, wasm-bindgen-test, browser)"
  ./scripts/web-test.sh
fi
step "API fuzzing: schemathesis, every check, finance and department (scripts/api-fuzz.sh)"
if command -v python3 >/dev/null 2>&1; then
  cargo build -p jixiao
  ./scripts/api-fuzz.sh
elif [ "${CI:-}" = "true" ]; then
  echo "python3 is missing; CI requires the schemathesis run" >&2
  exit 1
else
  echo "no python3: schemathesis skipped (CI requires it)"
fi
step "scale-out: primary + streaming replica, two servers (scripts/replica-test.sh)"
if ls /usr/lib/postgresql/*/bin/pg_basebackup >/dev/null 2>&1; then
  cargo build -p jixiao
  ./scripts/replica-test.sh
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL's binaries (initdb, pg_basebackup) are missing; CI requires the replica test" >&2
  exit 1
else
  echo "no PostgreSQL binaries: replica test skipped (CI requires it)"
fi
step "all tests passed"
