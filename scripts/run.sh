#!/usr/bin/env bash
# The main job: builds the web form (WASM + Vite) and starts the jixiao server on an
# embedded SQLite database (data/jixiao.db, created and migrated on first start) with
# the demo data set; prints the URL, the docs URL and tokens. Extra arguments go to
# `jixiao serve` (e.g. --host 0.0.0.0 --port 8080, or --database postgres://...).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
# A failed web build stops here with its reason: a server without its pages is not the main job.
if ! ./scripts/web-build.sh; then
  echo "run.sh: the web build failed (its output is above); fix it and run ./scripts/run.sh again" >&2
  exit 1
fi
exec cargo run --release -p jixiao -- serve --demo "$@"
