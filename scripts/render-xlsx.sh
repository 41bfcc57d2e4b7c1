#!/usr/bin/env bash
# Renders an exported .xlsx (申报表, 执行监控表, 自评表, the bureau workbook) to PNG images, as
# LibreOffice prints it: `soffice --headless --convert-to pdf`, then `pdftoppm -png -r 80`, one
# image per printed page (every sheet, in order) — for looking at column widths, merges, number
# formats and print areas, and for a change's screenshots. Not run in CI.
#
#   scripts/render-xlsx.sh FILE.xlsx [OUT_DIR]     (OUT_DIR defaults to FILE's folder)
#
# Writes OUT_DIR/<name>.pdf and OUT_DIR/<name>-<page>.png and lists them. Needs LibreOffice
# (Debian: libreoffice-calc-nogui), poppler-utils and a CJK font (fonts-noto-cjk).
set -euo pipefail

usage() { echo "usage: $0 FILE.xlsx [OUT_DIR]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
in=$1
[ -f "$in" ] || { echo "render-xlsx: no such file: $in" >&2; exit 2; }
out=${2:-$(dirname "$in")}
mkdir -p "$out"

soffice=$(command -v soffice || command -v libreoffice || true)
if [ -z "$soffice" ]; then
  echo "render-xlsx: LibreOffice (soffice) is not installed; on Debian: apt-get install libreoffice-calc-nogui fonts-noto-cjk" >&2
  exit 3
fi
if ! command -v pdftoppm >/dev/null; then
  echo "render-xlsx: pdftoppm is not installed; on Debian: apt-get install poppler-utils" >&2
  exit 3
fi
# (grep without -q reads all of fc-list's output: no SIGPIPE under pipefail.)
fc-list 2>/dev/null | grep -i 'cjk\|wqy\|droid sans fallback' >/dev/null ||
  echo "render-xlsx: warning: no CJK font found (fonts-noto-cjk); Chinese text may render as boxes" >&2

name=$(basename "${in%.*}")
# A private LibreOffice profile: no clash with a running instance, no first-start dialogs.
profile=$(mktemp -d "${TMPDIR:-/tmp}/render-xlsx-profile.XXXXXX")
trap 'rm -rf "$profile"' EXIT
"$soffice" -env:UserInstallation="file://$profile" --headless --norestore \
  --convert-to pdf --outdir "$out" "$in" >/dev/null 2>&1 ||
  { echo "render-xlsx: LibreOffice could not convert $in" >&2; exit 1; }
pdf="$out/$name.pdf"
[ -s "$pdf" ] || { echo "render-xlsx: LibreOffice wrote no PDF for $in" >&2; exit 1; }

rm -f "$out/$name"-*.png
pdftoppm -png -r 80 "$pdf" "$out/$name"
pages=$(ls -1 "$out/$name"-*.png 2>/dev/null | wc -l)
echo "render-xlsx: $in → $pdf ($pages page(s))"
ls -1 "$out/$name"-*.png
