#!/usr/bin/env bash
# Peak memory (max RSS) of the bureau workbook export: 1,000 / 10,000 / 100,000 targets
# (each with a monitoring and an evaluation row, so three tables of N rows), written in
# rust_xlsxwriter's constant-memory mode, into a file (as the server and `jixiao export workbook` do) and into bytes.
# Prints each run's RSS and its ratio to the 1,000-row floor; fails when the 100,000-row
# file export needs more than MAX_RATIO (default 3) times the floor.
# Usage: benches/xlsx.sh [MAX_RATIO]     (release build of crates/sheets/examples/bureau_workbook.rs)
set -euo pipefail
cd "$(dirname "$0")/.."
MAX_RATIO="${1:-3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo build -q --release -p jixiao-sheets --example bureau_workbook
BIN="$CARGO_TARGET_DIR/release/examples/bureau_workbook"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
python3 - "$BIN" "$OUT" "$MAX_RATIO" <<'PY'
import subprocess, sys, time, os
binary, out, max_ratio = sys.argv[1], sys.argv[2], float(sys.argv[3])
def run(n, *extra):
    # The exporter reports its own peak RSS (VmHWM from /proc/self/status, which starts afresh
    # at exec). getrusage(RUSAGE_CHILDREN) would not do: a forked child's high-water mark
    # includes the Python image it was forked from (about 14 MB, more than the exporter).
    path = os.path.join(out, f"wb-{n}{'-buf' if extra else ''}.xlsx")
    t = time.time()
    res = subprocess.run([binary, str(n), path, *extra], check=True, capture_output=True, text=True)
    kib = next(int(l.split()[1]) for l in res.stdout.splitlines() if l.startswith("peak_rss_kib "))
    return kib, time.time() - t, os.path.getsize(path)
rows = []
floor = None
for n, extra in [(1000, ()), (10000, ()), (100000, ()), (1000, ("--buffer",)), (100000, ("--buffer",))]:
    kib, secs, size = run(n, *extra)
    if floor is None:
        floor = kib
    rows.append((n, "bytes" if extra else "file", kib, kib / floor, secs, size))
print(f"{'targets':>8} {'into':>6} {'max RSS':>10} {'× floor':>8} {'seconds':>8} {'xlsx bytes':>11}")
for n, into, kib, ratio, secs, size in rows:
    print(f"{n:>8} {into:>6} {kib/1024:>8.1f}MB {ratio:>8.2f} {secs:>8.2f} {size:>11}")
big = rows[2]
if big[3] > max_ratio:
    print(f"FAIL: 100,000 targets need {big[3]:.2f}× the RSS of 1,000 (limit {max_ratio}×)")
    sys.exit(1)
print(f"ok: 100,000 targets in {big[3]:.2f}× the memory of 1,000 (limit {max_ratio}×)")
PY
