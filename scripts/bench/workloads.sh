#!/bin/bash
# One comparison workload over the Markdown files hicp wrote for a pack; this
# script is the command that scripts/bench/measure.py times.
#
#   workloads.sh NAME MD_DIR OUT_DIR
#
# NAME:
#   pandoc-html    pandoc gfm+attributes -> standalone HTML5, one process per document
#   pandoc-typst   pandoc gfm -> Typst markup, one process per document, then
#                  all .typ files compiled to PDF by the PyPI `typst` binding
#                  in one Python process (as fast as the typst CLI per document
#                  in the anchor figures, 3.82 vs 3.85 s, so the kinder choice
#                  for the comparison)
#   cmark-gfm      cmark-gfm over every file in one process (HTML on stdout)
#   hicp-md2html   hicp's pulldown-cmark parser over every file in one process
#                  (examples/md2html.rs; HTML on stdout)
# Tools come from PATH (pandoc, cmark-gfm), $BENCH_PY (the venv's python with
# typst installed) and $MD2HTML (the example binary); scripts/bench.sh sets them.
# Loops use bash parameter expansion only, so the loop spawns nothing besides
# the tool under test.
set -euo pipefail
name=$1 md=$2 out=$3
mkdir -p "$out"
# hicp writes GFM plus `{#id}` heading ids (links to sections point at them);
# pandoc's gfm reader needs +attributes to read them, or typst stops at a
# link to a label that does not exist.
FROM=gfm+attributes
case $name in
  pandoc-html)
    for f in "$md"/*.md; do b=${f##*/}; b=${b%.md}
      pandoc -f "$FROM" -t html5 -s -M pagetitle="$b" -o "$out/$b.html" "$f"; done ;;
  pandoc-typst)
    for f in "$md"/*.md; do b=${f##*/}; b=${b%.md}
      pandoc -f "$FROM" -t typst -s -o "$out/$b.typ" "$f"; done
    "$BENCH_PY" -c '
import glob, os, sys, typst
failed = 0
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.typ"))):
    try:
        typst.compile(f, output=f[:-4] + ".pdf")
    except Exception as e:  # keep going: one bad document must not shorten the run
        failed += 1
        print(f"{f}: {e}", file=sys.stderr)
sys.exit(1 if failed else 0)
' "$out" ;;
  cmark-gfm)
    cmark-gfm -e table -e autolink -e strikethrough "$md"/*.md ;;
  hicp-md2html)
    "$MD2HTML" - "$md"/*.md ;;
  *) echo "workloads.sh: unknown workload $name" >&2; exit 2 ;;
esac
