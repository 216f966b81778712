#!/usr/bin/env bash
# docx-check.sh PACK: a second, independent Word reader over one built pack.
#
# LibreOffice (headless) converts every docx/*.docx of PACK to PDF. The check
# fails when soffice exits non-zero, prints an error, or leaves any file
# unconverted or empty. Then pdftotext reads one converted file, which must
# show the organization's name (from manifest.json) and a "Page 1 of N" footer
# (LibreOffice evaluated the PAGE / NUMPAGES fields).
#
# Needs soffice (Debian: libreoffice-writer-nogui, --no-install-recommends),
# pdftotext (poppler-utils) and python3 (to read the manifest).
set -euo pipefail

pack=${1:?usage: .ci/docx-check.sh OUT/<slug>}
[ -f "$pack/manifest.json" ] || { echo "docx-check: $pack has no manifest.json" >&2; exit 1; }
shopt -s nullglob
docs=("$pack"/docx/*.docx)
[ ${#docs[@]} -gt 0 ] || { echo "docx-check: no Word files in $pack/docx" >&2; exit 1; }
soffice=$(command -v soffice || command -v libreoffice || true)
[ -n "$soffice" ] || { echo "docx-check: soffice not found (apt-get install --no-install-recommends libreoffice-writer-nogui)" >&2; exit 1; }

org=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["organization"])' "$pack/manifest.json")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/pdf"

# A private user profile: no first-start dialog, no clash with another soffice.
start=$SECONDS
set +e
timeout 900 "$soffice" --headless --norestore --nologo \
  "-env:UserInstallation=file://$work/profile" \
  --convert-to pdf --outdir "$work/pdf" "${docs[@]}" >"$work/log" 2>&1
rc=$?
set -e
echo "docx-check: soffice converted ${#docs[@]} Word files in $((SECONDS - start)) s (exit $rc)"
# soffice exits 0 even when a file cannot be loaded ("Error: source file could
# not be loaded"), so its messages and its output files are checked as well.
failed=0
if [ $rc -ne 0 ]; then
  echo "docx-check: soffice exited with $rc" >&2
  failed=1
fi
if grep -i 'error' "$work/log" >&2; then
  failed=1
fi
for d in "${docs[@]}"; do
  out="$work/pdf/$(basename "${d%.docx}").pdf"
  if [ ! -s "$out" ]; then
    echo "docx-check: $(basename "$d") was not converted" >&2
    failed=1
  fi
done
[ $failed -eq 0 ] || { echo "docx-check: FAILED" >&2; exit 1; }

sample="$work/pdf/$(basename "${docs[0]%.docx}").pdf"
text=$(pdftotext -layout "$sample" -)
grep -qF -- "$org" <<<"$text" || {
  echo "docx-check: $(basename "$sample") does not show the organization \"$org\":" >&2
  head -40 <<<"$text" >&2
  exit 1
}
grep -qE 'Page 1 of [0-9]+' <<<"$text" || {
  echo "docx-check: $(basename "$sample") has no \"Page 1 of N\" footer" >&2
  exit 1
}
echo "docx-check: all ${#docs[@]} Word files of $pack converted; $(basename "$sample") shows \"$org\" and its page footer"
