#!/usr/bin/env bash
# All browser-side benchmarks: sizes, keystroke latency and engine vs AJV in Chromium.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "${JIXIAO_WEB_BUILT:-}" = 1 ] || scripts/web-build.sh >/dev/null
benches/web/size.sh
node benches/web/run.mjs
