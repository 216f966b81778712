#!/bin/bash
# Install the comparison tools the benchmark sets hicp beside, at the versions
# the anchor figures (/work/shared/bench/README.md) were measured with:
#   pandoc 3.9 (PyPI pypandoc-binary 1.17), typst 0.15.2 (PyPI binding),
#   cmark-gfm (Debian). Idempotent: does nothing when they are present.
#
#   scripts/bench/install-tools.sh [TOOLS_DIR]     (default: target/bench-tools)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TOOLS=${1:-${BENCH_TOOLS:-$ROOT/target/bench-tools}}
mkdir -p "$TOOLS/bin"

if ! command -v cmark-gfm >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q cmark-gfm
  else
    sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q cmark-gfm
  fi
fi

if [ ! -x "$TOOLS/venv/bin/python" ]; then
  python3 -m venv "$TOOLS/venv"
fi
if ! "$TOOLS/venv/bin/python" -c 'import pypandoc, typst' 2>/dev/null; then
  PIP_CACHE_DIR=${PIP_CACHE_DIR:-/tmp/pip-cache} \
    "$TOOLS/venv/bin/pip" install -q pypandoc-binary==1.17 typst==0.15.2
fi
pandoc_bin=$("$TOOLS/venv/bin/python" -c \
  'import pypandoc, os; print(os.path.join(os.path.dirname(pypandoc.__file__), "files", "pandoc"))')
ln -sf "$pandoc_bin" "$TOOLS/bin/pandoc"
echo "tools in $TOOLS: $("$TOOLS/bin/pandoc" --version | head -1); typst-py $("$TOOLS/venv/bin/python" -c 'import importlib.metadata as m; print(m.version("typst"))'); $(cmark-gfm --version | head -1)"
