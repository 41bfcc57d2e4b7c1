#!/usr/bin/env bash
# Measures the release server: start-up time (exec until the first answered request),
# idle RSS, and requests/s of POST /api/v1/check with wrk (apt-get install wrk).
# Usage: crates/server/bench/measure.sh [--postgres URL]   (build first:
#   cargo build --release -p jixiao). Not a test: numbers depend on the machine.
set -euo pipefail
cd "$(dirname "$0")/../../.."
BIN=target/release/jixiao
PORT=${PORT:-18181}
DB="sqlite://$(mktemp -d)/bench.db"
[ "${1:-}" = "--postgres" ] && DB=$2
[ -x "$BIN" ] || { echo "build first: cargo build --release -p jixiao" >&2; exit 1; }
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }

DOC=$(mktemp); LUA=$(mktemp --suffix=.lua)
python3 -c 'import json,sys; print(json.dumps(json.load(open("tests/fixtures/targets/orphan-clothing-valid.json"))["document"], ensure_ascii=False))' > "$DOC"
cat > "$LUA" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$DOC", "rb"); wrk.body = f:read("*a"); f:close()
LUA

start=$(date +%s%N)
RUST_LOG=${RUST_LOG:-warn} "$BIN" serve --port "$PORT" --database "$DB" >/dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -f "$DOC" "$LUA"' EXIT
until curl -sf "http://127.0.0.1:$PORT/api/v1/profiles" >/dev/null; do sleep 0.005; done
end=$(date +%s%N)
echo "start-up (exec -> first answer, fresh database incl. migrations): $(( (end - start) / 1000000 )) ms"
sleep 2
echo "idle RSS: $(ps -o rss= -p $PID | tr -d ' ') KiB"
echo "body: $(wc -c < "$DOC") bytes (orphan-clothing-valid, 10 indicators)"
wrk -t2 -c32 -d10s -s "$LUA" "http://127.0.0.1:$PORT/api/v1/check" | sed -n '1,12p'
echo "RSS after load: $(ps -o rss= -p $PID | tr -d ' ') KiB"
