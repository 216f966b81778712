#!/bin/bash
# Where the time of one full build goes: hicp built in release with debug
# info (in its own target dir, so the shared release binary is untouched),
# then one `hicp build --force -f md,html,pdf -j 1` of PROFILE under
# valgrind --tool=callgrind (perf's hardware counters are not available on
# this VM: `perf stat -e instructions true` says <not supported>).
#
#   scripts/bench/profile.sh [PROFILE]    (default profiles/cascadia-regional.yaml)
#
# Writes target/bench-profile/callgrind.out and prints the functions with the
# largest inclusive and exclusive instruction counts.
# Environment: HICP_BENCH_TEMPLATES (extra --templates folder), TOP (30).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PROFILE=${1:-$ROOT/profiles/cascadia-regional.yaml}
OUT=$ROOT/target/bench-profile
TOP=${TOP:-30}
TPL=()
[ -n "${HICP_BENCH_TEMPLATES:-}" ] && TPL=(--templates "$HICP_BENCH_TEMPLATES")
command -v valgrind >/dev/null || {
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind; }
mkdir -p "$OUT"
# include_dir! embeds templates/ untracked by cargo: rebuild hicp itself from clean.
cargo clean --quiet --release -p hicp --target-dir "$OUT/target" 2>/dev/null || true
CARGO_PROFILE_RELEASE_DEBUG=true CARGO_TARGET_DIR=$OUT/target \
  cargo build --release --quiet --bin hicp --manifest-path "$ROOT/Cargo.toml"
rm -rf "$OUT/pack" "$OUT/callgrind.out"
valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.out" \
  "$OUT/target/release/hicp" build "$PROFILE" "${TPL[@]}" -o "$OUT/pack" \
  -f md,html,pdf --force -q -j 1 2> "$OUT/valgrind.log" || {
  echo "the profiled build failed:" >&2; grep -v '^==' "$OUT/valgrind.log" >&2; exit 1; }
grep -E 'Collected' "$OUT/valgrind.log" || true
echo "== inclusive (top $TOP)"
callgrind_annotate --inclusive=yes "$OUT/callgrind.out" 2>/dev/null | sed -n "1,$((TOP + 25))p" | grep -E '^\s*[0-9,]+ ' | head -"$TOP"
echo "== exclusive (top $TOP)"
callgrind_annotate "$OUT/callgrind.out" 2>/dev/null | grep -E '^\s*[0-9,]+ ' | head -"$TOP"
