#!/usr/bin/env bash
# HTML checks for built packs: the W3C Nu validator (vnu-jar on the machine's
# Java) and axe-core in headless Debian chromium (driven by playwright-core,
# which downloads no browser). Fails on any validator error, any serious or
# critical axe violation, any request that would leave the file, any link
# between pages that misses its page or section, or an index filter box that
# does not narrow the list.
#
#   .ci/html-check/run.sh PACK_DIR...        e.g. .ci/html-check/run.sh out/*/
#
# Needs: node + npm, java (>= 11), chromium (apt-get install chromium).
# CHROMIUM=/path/to/chromium overrides the browser.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if [ $# -lt 1 ]; then
  echo "usage: $0 PACK_DIR..." >&2
  exit 2
fi

# Install from the committed lockfile. --ignore-scripts: vnu-jar's postinstall
# would download a JRE; the machine's java is used instead.
if [ ! -f "$here/node_modules/vnu-jar/build/dist/vnu.jar" ] ||
   [ ! -d "$here/node_modules/playwright-core" ] ||
   [ ! -f "$here/node_modules/axe-core/axe.min.js" ]; then
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

for tool in java node; do
  command -v "$tool" >/dev/null || { echo "html-check: $tool not found" >&2; exit 1; }
done

files=()
while IFS= read -r -d '' f; do files+=("$f"); done < <(find "$@" -type f -name '*.html' -print0 | sort -z)
if [ ${#files[@]} -eq 0 ]; then
  echo "html-check: no .html files under: $*" >&2
  exit 1
fi

status=0
echo "html-check: W3C Nu validator on ${#files[@]} file(s)"
if java -jar "$here/node_modules/vnu-jar/build/dist/vnu.jar" --skip-non-html "${files[@]}"; then
  echo "html-check: validator: no errors"
else
  echo "html-check: validator reported errors" >&2
  status=1
fi

echo "html-check: axe-core in headless chromium on ${#files[@]} file(s)"
if node "$here/axe-check.js" "${files[@]}"; then
  echo "html-check: axe: no serious or critical violations, links and filter work"
else
  echo "html-check: axe, link or filter check failed (FAIL lines above)" >&2
  status=1
fi
exit "$status"
