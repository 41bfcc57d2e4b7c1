#!/usr/bin/env bash
# Size of what the browser downloads for the rules: the optimised .wasm and its JS glue
# (web/pkg, built by scripts/web-build.sh), raw and gzip -9; goal ≤ 150 KB gzipped together.
# Also the whole built form (web/dist/assets) for reference.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f web/pkg/jixiao_wasm_bg.wasm ] || { echo "run scripts/web-build.sh first" >&2; exit 1; }
gz() { gzip -9c "$1" | wc -c; }
w=web/pkg/jixiao_wasm_bg.wasm; j=web/pkg/jixiao_wasm.js
wr=$(stat -c %s "$w"); wg=$(gz "$w"); jr=$(stat -c %s "$j"); jg=$(gz "$j")
printf '%-28s %10s %10s\n' file bytes gzip-9
printf '%-28s %10d %10d\n' jixiao_wasm_bg.wasm "$wr" "$wg" jixiao_wasm.js "$jr" "$jg"
printf '%-28s %10d %10d   (goal: gzip <= 153600)\n' "wasm + glue" $((wr + jr)) $((wg + jg))
if [ -d web/dist/assets ]; then
  total=0; totalg=0
  for f in web/dist/assets/*; do total=$((total + $(stat -c %s "$f"))); totalg=$((totalg + $(gz "$f"))); done
  printf '%-28s %10d %10d\n' "web/dist/assets (all pages)" "$total" "$totalg"
fi
[ $((wg + jg)) -le 153600 ]
