#!/usr/bin/env bash
# Scale-out on PostgreSQL (issue 9): a primary and a streaming replica on 127.0.0.1 (initdb +
# pg_basebackup -R from Debian's PostgreSQL), two stateless `jixiao serve` processes on them
# (--database the primary, --read-database the replica), and a write through one server read
# back through the other — by id (primary), in the lists (replica) and with psql on the replica
# itself. Also: the uploaded region profile of one server is seen by the other. Exits non-zero
# on any failure. Needs target/debug/jixiao (or JIXIAO_BIN); runs as root (switches to the
# postgres user for the database processes) or as a user who may run initdb.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${JIXIAO_BIN:-$(realpath -m "${CARGO_TARGET_DIR:-target}")/debug/jixiao}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$PGBIN/initdb" ] || { echo "replica-test: no PostgreSQL binaries under /usr/lib/postgresql" >&2; exit 1; }
[ -x "$BIN" ] || { echo "replica-test: $BIN is missing (cargo build -p jixiao)" >&2; exit 1; }
# Free ports unless given: a fixed port can be held at that moment by another process (or be
# an outgoing connection's local port), and then the primary does not start.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PRIMARY_PORT=${PRIMARY_PORT:-$(free_port)}
REPLICA_PORT=${REPLICA_PORT:-$(free_port)}
[ "$PRIMARY_PORT" != "$REPLICA_PORT" ] || REPLICA_PORT=$(free_port)

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
step() { printf '\n== %s\n' "$*"; }
fail() { echo "replica-test: FAILED: $*" >&2; exit 1; }

WORK=$(mktemp -d /tmp/jixiao-replica.XXXXXX)
chmod 755 "$WORK"
[ "$(id -u)" = 0 ] && chown postgres "$WORK"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  as_pg "$PGBIN/pg_ctl" -D "$WORK/replica" -m immediate stop >/dev/null 2>&1 || true
  as_pg "$PGBIN/pg_ctl" -D "$WORK/primary" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

step "primary on 127.0.0.1:$PRIMARY_PORT (initdb, trust on loopback, wal_level=replica)"
as_pg "$PGBIN/initdb" -D "$WORK/primary" -A trust -U postgres >/dev/null
cat >> "$WORK/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PRIMARY_PORT
unix_socket_directories = '$WORK'
wal_level = replica
max_wal_senders = 4
fsync = off
EOF
as_pg "$PGBIN/pg_ctl" -D "$WORK/primary" -l "$WORK/primary.log" -w start >/dev/null ||
  { cat "$WORK/primary.log" >&2; fail "the primary did not start on port $PRIMARY_PORT"; }
PRIMARY="postgres://postgres@127.0.0.1:$PRIMARY_PORT/jixiao"
as_pg "$PGBIN/psql" -q -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres -c "CREATE DATABASE jixiao" >/dev/null

step "streaming replica on 127.0.0.1:$REPLICA_PORT (pg_basebackup -R)"
as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$WORK/replica" -R -X stream >/dev/null
sed -i "s/^port = .*/port = $REPLICA_PORT/" "$WORK/replica/postgresql.conf"
as_pg "$PGBIN/pg_ctl" -D "$WORK/replica" -l "$WORK/replica.log" -w start >/dev/null ||
  { cat "$WORK/replica.log" >&2; fail "the replica did not start on port $REPLICA_PORT"; }
REPLICA="postgres://postgres@127.0.0.1:$REPLICA_PORT/jixiao"
in_recovery=$(as_pg "$PGBIN/psql" -tAq -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d jixiao -c "SELECT pg_is_in_recovery()")
[ "$in_recovery" = t ] || fail "the replica is not a standby"

step "two servers on the primary, both reading lists from the replica"
# The first start migrates the primary; the replica follows by streaming.
token=$("$BIN" token create --database "$PRIMARY" --role department --department 101 --name "民政局 replica test" 2>/dev/null)
finance=$("$BIN" token create --database "$PRIMARY" --role finance --name "财政局 replica test" 2>/dev/null)
admin=$("$BIN" token create --database "$PRIMARY" --role admin --name "admin replica test" 2>/dev/null)
# Starts a server logging to $1 and sets URL to its address. Not called in $(…): its PID must
# reach PIDS in this shell, or the cleanup would leave the server running after the test.
start_server() {
  local out=$1
  RUST_LOG=warn "$BIN" serve --database "$PRIMARY" --read-database "$REPLICA" --port 0 --web-dir "$WORK/none" >"$out" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    if grep -q "listening on" "$out"; then
      URL=$(sed -n 's/.*listening on \(http:\/\/[^/]*\)\/.*/\1/p' "$out" | head -1)
      return
    fi
    sleep 0.1
  done
  cat "$out" >&2
  fail "a server did not start"
}
start_server "$WORK/a.log"
A=$URL
start_server "$WORK/b.log"
B=$URL
echo "server A $A, server B $B"

step "a write through A, read back through B"
doc=$(python3 -c 'import json;print(json.dumps(json.load(open("tests/fixtures/targets/orphan-clothing-valid.json"))["document"]))')
created=$(curl -sf -H "Authorization: Bearer $token" -H 'content-type: application/json' -d "$doc" "$A/api/v1/targets")
id=$(printf '%s' "$created" | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
echo "created $id through A"
got=$(curl -sf -H "Authorization: Bearer $token" "$B/api/v1/targets/$id" | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
[ "$got" = "$id" ] || fail "B does not read the target by id"
echo "B reads it by id (primary)"
listed=""
for _ in $(seq 1 50); do
  listed=$(curl -sf -H "Authorization: Bearer $finance" "$B/api/v1/review/targets?q=%E5%AD%A4%E5%84%BF" |
    python3 -c "import json,sys;print('$id' in [t['id'] for t in json.load(sys.stdin)['items']])")
  [ "$listed" = True ] && break
  sleep 0.1
done
[ "$listed" = True ] || fail "B's review queue (replica) does not list the target"
echo "B's review queue lists it (replica)"
on_replica=$(as_pg "$PGBIN/psql" -tAq -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d jixiao -c "SELECT count(*) FROM targets WHERE id = '$id'")
[ "$on_replica" = 1 ] || fail "the replica has no row $id"
echo "psql on the replica finds the row"
audit=$(as_pg "$PGBIN/psql" -tAq -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d jixiao -c "SELECT count(*) FROM audit_events WHERE target_id = '$id'")
[ "$audit" -ge 1 ] || fail "the replica has no audit row of $id"

step "shared state: a region profile uploaded through A is used by B"
profile='{"id":"replica-2019","name":{"zh-CN":"复制测试规则","en":"replica test"},"framework":"cn-2015","review":{"min_level1":3,"min_level2":6,"min_level3":12,"min_quantitative_share":"0.80"}}'
status=$(curl -s -o "$WORK/profile.json" -w '%{http_code}' -H "Authorization: Bearer $admin" -H 'content-type: application/json' -d "$profile" "$A/api/v1/profiles")
[ "$status" = 201 ] || fail "A refused the profile ($status): $(head -c 300 "$WORK/profile.json")"
valid=$(curl -sf -H 'content-type: application/json' -d "$doc" "$B/api/v1/check?profile=replica-2019" |
  python3 -c 'import json,sys;print(json.load(sys.stdin)["valid"])')
[ "$valid" = False ] || fail "B did not check with the profile A stored"
echo "B checks with the profile A stored (12 level-3 indicators required: not valid)"

step "a replica cannot be written: the servers never try"
if as_pg "$PGBIN/psql" -tAq -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d jixiao -c "DELETE FROM targets" >/dev/null 2>&1; then
  fail "the replica accepted a write"
fi
echo "the replica refuses writes (read-only standby)"
printf '\nreplica-test: ok\n'
