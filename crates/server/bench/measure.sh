#!/usr/bin/env bash
# Measures the release server: start-up time (exec until the first answered request),
# idle RSS, requests/s of POST /api/v1/check (stateless, no database) and of
# GET /api/v1/targets?limit=50 (finance token, demo data: database + JSON) with wrk.
# Usage: crates/server/bench/measure.sh [DATABASE_URL]   (default: a fresh SQLite file)
#   build first: cargo build --release -p jixiao; needs wrk (apt-get install wrk).
# Not a test: the numbers depend on the machine and on what else runs on it.
set -euo pipefail
cd "$(dirname "$0")/../../.."
BIN=target/release/jixiao
PORT=${PORT:-18181}
DB=${1:-"sqlite://$(mktemp -d)/bench.db"}
DURATION=${DURATION:-10s}
[ -x "$BIN" ] || { echo "build first: cargo build --release -p jixiao" >&2; exit 1; }
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }

DOC=$(mktemp); LUA=$(mktemp --suffix=.lua); OUT=$(mktemp)
python3 -c 'import json; print(json.dumps(json.load(open("tests/fixtures/targets/orphan-clothing-valid.json"))["document"], ensure_ascii=False))' > "$DOC"
cat > "$LUA" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$DOC", "rb"); wrk.body = f:read("*a"); f:close()
LUA

start=$(date +%s%N)
RUST_LOG=${RUST_LOG:-warn} "$BIN" serve --port "$PORT" --database "$DB" >/dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -f "$DOC" "$LUA" "$OUT"' EXIT
wait_up() {
  for _ in $(seq 6000); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && return 0; sleep 0.005; done
  echo "server did not answer /api/v1/health (stale binary? rebuild)" >&2; exit 1
}
wait_up
end=$(date +%s%N)
echo "database: ${DB%%://*}"
echo "start-up (exec -> first answered /health, incl. migrations on a fresh database): $(( (end - start) / 1000000 )) ms"
kill $PID; wait $PID 2>/dev/null || true
start=$(date +%s%N)
RUST_LOG=${RUST_LOG:-warn} "$BIN" serve --demo --port "$PORT" --database "$DB" >"$OUT" 2>/dev/null &
PID=$!
wait_up
end=$(date +%s%N)
echo "start-up with --demo (342 targets loaded on first start): $(( (end - start) / 1000000 )) ms"
TOKEN=$(sed -n 's/^finance token[^:]*: *//p' "$OUT")
sleep 2
echo "idle RSS: $(ps -o rss= -p $PID | tr -d ' ') KiB"
echo "== POST /api/v1/check, body $(wc -c < "$DOC") bytes (orphan-clothing-valid, 10 indicators)"
wrk -t2 -c32 -d"$DURATION" -s "$LUA" "http://127.0.0.1:$PORT/api/v1/check" | grep -E "Latency|Requests/sec|requests in|Non-2xx"
echo "== GET /api/v1/targets?limit=50 (finance)"
wrk -t2 -c32 -d"$DURATION" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/targets?limit=50" | grep -E "Latency|Requests/sec|requests in|Non-2xx"
echo "RSS after load: $(ps -o rss= -p $PID | tr -d ' ') KiB"
