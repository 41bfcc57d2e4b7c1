#!/usr/bin/env bash
# Writes against the database's own speed (issue 9): POST /api/v1/targets through the release
# server under wrk, next to pgbench running the same statements at the same concurrency
# (the token lookup, then in one transaction the target row, the department row
# `ON CONFLICT DO NOTHING` and the audit row). Prints requests/s and p50/p99 of both and the
# ratio server ÷ pgbench; on SQLite (no pgbench) the server's p99 ÷ p50.
# Usage: benches/server/write-floor.sh        (CONNECTIONS=32 DURATION=10)
#   needs target/release/jixiao (cargo build --release -p jixiao), wrk, pgbench, psql and
#   PostgreSQL on 127.0.0.1:5432 (PG_ADMIN to change). Not a test: figures depend on the
#   machine and on what else runs on it; compare the ratio, measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=target/release/jixiao
PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
C=${CONNECTIONS:-32}
T=${DURATION:-10}
PORT=${PORT:-18282}
[ -x "$BIN" ] || { echo "build first: cargo build --release -p jixiao" >&2; exit 1; }
for t in wrk pgbench psql python3; do command -v $t >/dev/null || { echo "needs $t" >&2; exit 1; }; done

WORK=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
python3 -c 'import json; print(json.dumps(json.load(open("tests/fixtures/targets/orphan-clothing-valid.json"))["document"], ensure_ascii=False))' > "$WORK/doc.json"
cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
local f = io.open("$WORK/doc.json", "rb"); wrk.body = f:read("*a"); f:close()
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.2f %.2f %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status, summary.requests))
end
LUA

serve() { # $1 = database URL; sets PID and TOKEN
  TOKEN=$("$BIN" token create --database "$1" --role department --department 101 --name bench | tail -1)
  export TOKEN
  JIXIAO_POOL_SIZE="$C" RUST_LOG=error "$BIN" serve --port "$PORT" --database "$1" >/dev/null 2>&1 &
  PID=$!
  for _ in $(seq 2000); do curl -sf "http://127.0.0.1:$PORT/api/v1/health/live" >/dev/null && return 0; sleep 0.01; done
  echo "the server did not start" >&2; exit 1
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=; }
server_run() { # prints "rps p50 p99 non2xx requests"
  wrk -t2 -c"$C" -d"${T}s" --timeout 10s -s "$WORK/post.lua" "http://127.0.0.1:$PORT/api/v1/targets" | sed -n 's/^RESULT //p'
}

echo "== PostgreSQL, $C connections, ${T}s"
DB=jixiao_write_floor
psql "$PG_ADMIN" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
PG_URL=${PG_ADMIN%/*}/$DB
serve "$PG_URL"
read -r s_rps s_p50 s_p99 s_bad s_n < <(server_run)
stop
# pgbench: the same statements (a token lookup; the three inserts in one transaction).
HASH=$(printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1)
python3 - "$WORK/doc.json" "$HASH" > "$WORK/pgbench.sql" <<'PY'
import json, sys
doc = open(sys.argv[1]).read().strip().replace("'", "''")
viol = "[]"
print(f"SELECT id, name, role, department_code, org FROM api_tokens WHERE token_hash = '{sys.argv[2]}' AND revoked_at IS NULL;")
print("BEGIN;")
print("INSERT INTO targets (id, department_code, fiscal_year, status, classified, profile, project_code, project_name, "
      "annual_total, document, violations, valid, error_count, warning_count, etag, version, created_at, updated_at, created_by) "
      f"VALUES (gen_random_uuid()::text, '101', 2019, 'draft', false, 'artux-2018', 'P2019-001', '2019年孤儿被装购置费', 86.40, '{doc}', "
      f"'{viol}', true, 0, 0, md5(random()::text), 1, now(), now(), 'bench');")
print("INSERT INTO departments (code, name, created_at) VALUES ('101', '阿图什市民政局', now()) ON CONFLICT DO NOTHING;")
print("INSERT INTO audit_events (target_id, actor, role, action, at, old_etag, new_etag, detail) "
      "VALUES (gen_random_uuid()::text, 'bench', 'department', 'create', now(), NULL, md5(random()::text), '{\"version\":1}');")
print("COMMIT;")
PY
(cd "$WORK" && pgbench -n -c "$C" -j 2 -T "$T" -M prepared -f pgbench.sql -l --log-prefix=pgb "$PG_URL" > pgbench.out 2>&1)
read -r p_tps p_p50 p_p99 < <(python3 - "$WORK" <<'PY'
import glob, sys
lat = []
for f in glob.glob(sys.argv[1] + "/pgb*"):
    for line in open(f):
        parts = line.split()
        if len(parts) >= 3 and parts[2].isdigit():
            lat.append(int(parts[2]) / 1000.0)
lat.sort()
out = open(sys.argv[1] + "/pgbench.out").read()
tps = next((l.split("=")[1].split()[0] for l in out.splitlines() if l.startswith("tps")), "0")
pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else 0
print(tps, f"{pick(0.5):.2f}", f"{pick(0.99):.2f}")
PY
)
psql "$PG_ADMIN" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
printf '%-28s %10s %9s %9s\n' "" "per s" "p50 ms" "p99 ms"
printf '%-28s %10s %9s %9s   (%s non-2xx of %s)\n' "server POST /targets" "$s_rps" "$s_p50" "$s_p99" "$s_bad" "$s_n"
printf '%-28s %10s %9s %9s\n' "pgbench, same statements" "$p_tps" "$p_p50" "$p_p99"
python3 -c "import sys; s,p,a,b=map(float,sys.argv[1:]); print(f'ratio server / pgbench: {s/p:.2f}   server p99 / p50: {b/a:.1f}')" "$s_rps" "$p_tps" "$s_p50" "$s_p99"

echo
echo "== SQLite, $C connections, ${T}s"
serve "sqlite://$WORK/bench.db"
read -r q_rps q_p50 q_p99 q_bad q_n < <(server_run)
stop
printf '%-28s %10s %9s %9s   (%s non-2xx of %s)\n' "server POST /targets" "$q_rps" "$q_p50" "$q_p99" "$q_bad" "$q_n"
python3 -c "import sys; a,b=map(float,sys.argv[1:]); print(f'server p99 / p50: {b/a:.1f}')" "$q_p50" "$q_p99"
