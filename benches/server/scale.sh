#!/usr/bin/env bash
# The lists at national scale (issue 9): generates targets with their review states and
# published versions in PostgreSQL with generate_series (10,000 → 100,000 → 1,000,000), and
# prints, at each size, each list's first page and a deep page through the release server
# next to the hand-written SQL for the same page (psql, server-side execution time). The
# server's time should stay flat from 10k to 1M and within a small multiple of the SQL.
# Usage: benches/server/scale.sh [MAX]        (MAX = 1000000; 100000 for a quick look)
#   needs target/release/jixiao, psql, curl, PostgreSQL on 127.0.0.1:5432 (PG_ADMIN).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=target/release/jixiao
PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
MAX=${1:-1000000}
PORT=${PORT:-18283}
[ -x "$BIN" ] || { echo "build first: cargo build --release -p jixiao" >&2; exit 1; }
DB=jixiao_scale
URL=${PG_ADMIN%/*}/$DB
psql "$PG_ADMIN" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
FIN=$("$BIN" token create --database "$URL" --role finance --name scale | tail -1)   # migrates too
DEP=$("$BIN" token create --database "$URL" --role department --department 107 --name scale | tail -1)
# The generated years' partitions (targets are partitioned by fiscal year), as the server makes
# them for a year in progress; without them the rows would all land in the default partition.
psql "$URL" -qAt -c "SELECT sum(jixiao_year_partitions(y)) FROM generate_series(2015, 2019) AS y" >/dev/null
PID=
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; psql "$PG_ADMIN" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"' EXIT
RUST_LOG=error "$BIN" serve --port "$PORT" --database "$URL" >/dev/null 2>&1 &
PID=$!
for _ in $(seq 1000); do curl -sf "http://127.0.0.1:$PORT/api/v1/health/live" >/dev/null && break; sleep 0.01; done

DOC='{"kind":"project","fiscal_year":2019,"department":{"code":"107","name":"部门"},"project":{"name":"项目"},"funds":{"annual_total":"86.40"},"goals":{"annual":"目标"},"indicators":[]}'
generate() { # rows $1+1 .. $2
  psql "$URL" -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO targets (id, department_code, fiscal_year, status, classified, profile, project_code, project_name,
  annual_total, document, violations, valid, error_count, warning_count, etag, version, created_at, updated_at, created_by)
SELECT gen_random_uuid()::text, (100 + i % 50)::text, 2015 + i % 5,
  (ARRAY['draft','submitted','returned','approved'])[1 + i % 4], i % 10 = 0, 'artux-2018', 'P' || i, '项目' || i,
  86.40, '$DOC', '[]', true, 0, 0, md5(i::text), 1,
  timestamp '2019-01-01' + i * interval '1 second', timestamp '2019-01-01' + i * interval '1 second', 'scale'
FROM generate_series($1 + 1, $2) AS i;
INSERT INTO review_states (target_id, revision, in_force_revision, budget_excluded, updated_at)
SELECT id, 1, CASE WHEN status = 'approved' THEN 1 END, false, updated_at FROM targets
WHERE status <> 'draft' AND created_by = 'scale' AND project_code::text IN (SELECT 'P' || g FROM generate_series($1 + 1, $2) g);
INSERT INTO target_versions (target_id, revision, kind, department_code, fiscal_year, project_name, profile, classified,
  document, etag, approved_amount, at)
SELECT id, 1, 'approved', department_code, fiscal_year, project_name, profile, classified, document, etag, 86.40, updated_at
FROM targets WHERE status = 'approved' AND project_code IN (SELECT 'P' || g FROM generate_series($1 + 1, $2) g);
VACUUM ANALYZE targets;
VACUUM ANALYZE review_states;
VACUUM ANALYZE target_versions;
SQL
}

# Median of 5 wall-clock times (ms) of a GET.
http_ms() {
  for _ in 1 2 3 4 5; do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $2" "http://127.0.0.1:$PORT$1"
  done | sort -n | sed -n 3p | awk '{printf "%.1f", $1 * 1000}'
}
# Median of 5 server-side execution times (ms) of a statement.
sql_ms() {
  for _ in 1 2 3 4 5; do
    psql "$URL" -qAt -c "EXPLAIN (ANALYZE, FORMAT JSON) $1" | python3 -c 'import json,sys; d=json.load(sys.stdin)[0]; print(d["Planning Time"] + d["Execution Time"])'
  done | sort -n | sed -n 3p | awk '{printf "%.1f", $1}'
}
cursor_of() { curl -s -H "Authorization: Bearer $2" "http://127.0.0.1:$PORT$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["next_cursor"] or "")'; }

printf '%-10s %-44s %10s %10s\n' rows "list (50 per page)" "server ms" "SQL ms"
done_rows=0
for n in 10000 100000 1000000; do
  [ "$n" -le "$MAX" ] || break
  generate "$done_rows" "$n"; done_rows=$n
  deep=$(cursor_of "/api/v1/review/targets?fiscal_year=2019&limit=200" "$FIN")
  R="SELECT id FROM targets WHERE fiscal_year = 2019 ORDER BY updated_at DESC, id DESC LIMIT 51"
  C="SELECT status, count(*) FROM targets WHERE fiscal_year = 2019 GROUP BY status"
  P="SELECT v.target_id FROM target_versions v JOIN review_states s ON s.target_id = v.target_id AND s.in_force_revision = v.revision WHERE v.kind = 'approved' AND NOT v.classified ORDER BY v.target_id LIMIT 51"
  D="SELECT id FROM targets WHERE department_code = '107' ORDER BY id DESC LIMIT 51"
  printf '%-10s %-44s %10s %10s\n' "$n" "GET /review/targets?fiscal_year=2019" "$(http_ms "/api/v1/review/targets?fiscal_year=2019" "$FIN")" "$(sql_ms "$R")+$(sql_ms "$C")"
  printf '%-10s %-44s %10s %10s\n' "$n" "  … a later page (cursor)" "$(http_ms "/api/v1/review/targets?fiscal_year=2019&cursor=$deep" "$FIN")" "-"
  printf '%-10s %-44s %10s %10s\n' "$n" "GET /public/targets" "$(http_ms "/api/v1/public/targets" "")" "$(sql_ms "$P")"
  printf '%-10s %-44s %10s %10s\n' "$n" "GET /targets (a department's own)" "$(http_ms "/api/v1/targets" "$DEP")" "$(sql_ms "$D")"
done
echo "RSS after the lists: $(ps -o rss= -p $PID | tr -d ' ') KiB"
