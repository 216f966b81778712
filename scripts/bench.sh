#!/bin/bash
# Whole-process benchmark: hicp beside the tools a user would reach for instead,
# on the same documents hicp produced (issue 7; method of shared/bench).
#
#   scripts/bench.sh                  # install tools, build, measure everything
#   SKIP_INSTALL=1 scripts/bench.sh   # tools already installed
#   ONLY="full incremental" scripts/bench.sh   # some workloads only
#
# Workloads (ONLY picks among them): full pandoc-html pandoc-typst incremental
# md2html many. For each example profile (EXAMPLES) it builds the pack once,
# then times on that pack's md/*.md:
#   full          hicp build -f md,html,pdf --force into a fresh out dir
#   pandoc-html   pandoc → HTML per document
#   pandoc-typst  pandoc → typst per document, then typst (PyPI) → PDF
#   incremental   hicp rebuild after one vendor contact changed
#   md2html       hicp's Markdown → HTML (examples/md2html.rs) vs cmark-gfm, 1 process each
# and once for all examples:
#   many          PROFILES (1000) generated variants, hicp build -j JOBS
#                 (and the same with the output on tmpfs, MANY_TMPFS=0 to skip);
#                 each disk run writes to an empty folder and nothing is
#                 deleted until the last run (see the comment at the run)
# Peak memory is the max RSS of the full build. Results: bench-results/latest.md
# (table, ratios, targets), bench-results/latest.tsv (raw), and one line per
# workload appended to bench-results/history.tsv.
#
# Environment (defaults): RUNS=5 (median of), SLOW_RUNS=3 (pandoc-typst),
# MANY_RUNS=3, MANY_DELETE=0, WARMUP=1, PROFILES=1000, JOBS=2, CHUNK=0 (profiles per hicp
# invocation in `many`; 0 = all in one), MIN_DOCS=30,
# EXAMPLES="cascadia-regional lakeside-specialty riverbend-clinic",
# BENCH_TOOLS=target/bench-tools, BENCH_WORK=target/bench-work,
# HICP_BENCH_TEMPLATES= (extra --templates folder, for trying the harness).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE=$ROOT/scripts/bench
cd "$ROOT"

RUNS=${RUNS:-5} SLOW_RUNS=${SLOW_RUNS:-3} MANY_RUNS=${MANY_RUNS:-3} WARMUP=${WARMUP:-1}
PROFILES=${PROFILES:-1000} JOBS=${JOBS:-2} CHUNK=${CHUNK:-0} MIN_DOCS=${MIN_DOCS:-30}
EXAMPLES=${EXAMPLES:-"cascadia-regional lakeside-specialty riverbend-clinic"}
ONLY=${ONLY:-"full pandoc-html pandoc-typst incremental md2html many"}
TOOLS=${BENCH_TOOLS:-$ROOT/target/bench-tools}
WORK=${BENCH_WORK:-$ROOT/target/bench-work}
VARIANTS=$ROOT/target/bench-profiles
RESULTS=${BENCH_RESULTS:-$ROOT/bench-results}
TPL=()
[ -n "${HICP_BENCH_TEMPLATES:-}" ] && TPL=(--templates "$HICP_BENCH_TEMPLATES")

want() { [[ " $ONLY " == *" $1 "* ]]; }
log() { printf '%s\n' "$*" >&2; }

[ "${SKIP_INSTALL:-0}" = 1 ] || bash "$HERE/install-tools.sh" "$TOOLS" >&2
export PATH=$TOOLS/bin:$PATH
export BENCH_PY=$TOOLS/venv/bin/python
command -v pandoc >/dev/null || { log "pandoc missing: run scripts/bench/install-tools.sh"; exit 1; }
command -v cmark-gfm >/dev/null || { log "cmark-gfm missing: run scripts/bench/install-tools.sh"; exit 1; }

# The built-in templates are embedded with include_dir!, which cargo does not
# track: a binary built before a template changed still carries the old one.
# So hicp is rebuilt from clean (its own crate only) in a target dir of the
# benchmark's own, which also leaves the shared target/release alone.
BUILD=${BENCH_CARGO_TARGET:-$ROOT/target/bench-build}
log "building hicp (release, fresh embed of templates/) and examples/md2html in $BUILD"
cargo clean --quiet --release -p hicp --target-dir "$BUILD" 2>/dev/null || true
CARGO_TARGET_DIR=$BUILD cargo build --release --quiet --bin hicp --example md2html
HICP=$BUILD/release/hicp
export MD2HTML=$BUILD/release/examples/md2html
MEASURE=(python3 "$HERE/measure.py")

rm -rf "$WORK"
mkdir -p "$WORK" "$RESULTS"
TSV=$WORK/results.tsv

# Facts about the run.
{
  echo "# machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(uname -sr)"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# hicp: $("$HICP" --version 2>/dev/null || echo hicp) at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' + uncommitted changes'), rustc $(rustc --version | cut -d' ' -f2)"
  echo "# pandoc: $(pandoc --version | head -1 | cut -d' ' -f2) (PyPI pypandoc-binary); typst (PyPI): $("$BENCH_PY" -c 'import importlib.metadata as m; print(m.version("typst"))'); cmark-gfm: $(cmark-gfm --version | head -1 | cut -d' ' -f2)"
  echo "# runs: median of $RUNS (pandoc-typst $SLOW_RUNS, many $MANY_RUNS) after $WARMUP warm-up"
  [ -n "${HICP_BENCH_TEMPLATES:-}" ] && echo "# templates: extra --templates $HICP_BENCH_TEMPLATES"
  printf 'label\truns\twall_min\twall_med\twall_max\tcpu_min\tcpu_med\tcpu_max\tpeak_mib_min\tpeak_mib_med\tpeak_mib_max\tbad_exits\tforeign_cpu_med\n'
} > "$TSV"

measure() { # LABEL RUNS WARMUP SETUP CMD...
  local label=$1 runs=$2 warm=$3 setup=$4; shift 4
  log "measuring $label ($runs runs)"
  "${MEASURE[@]}" -n "$runs" --warmup "$warm" --label "$label" --setup "$setup" -- "$@" | tee -a "$TSV" >&2
}

pdf_pages() { # DIR: pages of every per-document PDF (binder left out)
  python3 - "$1" <<'PY'
import glob, os, re, sys
n = 0
for f in glob.glob(os.path.join(sys.argv[1], "*.pdf")):
    if not f.endswith("-policy-pack.pdf"):
        n += len(re.findall(rb"/Type\s*/Page(?![s\w])", open(f, "rb").read()))
print(n)
PY
}

for ex in $EXAMPLES; do
  profile=$ROOT/profiles/$ex.yaml
  ref=$WORK/ref/$ex
  log "== $ex: reference build"
  "$HICP" build "$profile" "${TPL[@]}" -o "$ref" -f md,html,pdf --force -q
  pack=$(find "$ref" -mindepth 1 -maxdepth 1 -type d | head -1)
  md=$pack/md
  docs=$(find "$md" -name '*.md' | wc -l)
  words=$(cat "$md"/*.md | wc -w)
  bytes=$(cat "$md"/*.md | wc -c)
  pages=$(pdf_pages "$pack/pdf")
  echo "# pack $ex: docs=$docs words=$words md_bytes=$bytes pdf_pages=$pages" >> "$TSV"
  if [ "$docs" -lt "$MIN_DOCS" ]; then
    log "warning: $ex has $docs documents (fewer than $MIN_DOCS)"
  fi

  if want full; then
    out=$WORK/full/$ex
    measure "hicp-full:$ex" "$RUNS" "$WARMUP" "rm -rf '$out'" \
      "$HICP" build "$profile" "${TPL[@]}" -o "$out" -f md,html,pdf --force -q
  fi
  if want pandoc-html; then
    measure "pandoc-html:$ex" "$RUNS" "$WARMUP" "rm -rf '$WORK/pandoc-html/$ex'" \
      bash "$HERE/workloads.sh" pandoc-html "$md" "$WORK/pandoc-html/$ex"
  fi
  if want pandoc-typst; then
    measure "pandoc-typst:$ex" "$SLOW_RUNS" "$WARMUP" "rm -rf '$WORK/pandoc-typst/$ex'" \
      bash "$HERE/workloads.sh" pandoc-typst "$md" "$WORK/pandoc-typst/$ex"
    typ_pages=$(pdf_pages "$WORK/pandoc-typst/$ex")
    echo "# $ex pandoc-typst PDF pages: $typ_pages" >> "$TSV"
  fi
  if want incremental; then
    inc=$WORK/incremental/$ex
    change=$(python3 "$HERE/profiles.py" incremental --out "$inc" "$profile")
    echo "# $ex incremental change: $change" >> "$TSV"
    cp "$inc/profile.yaml" "$inc/live.yaml"
    "$HICP" build "$inc/live.yaml" "${TPL[@]}" -o "$inc/ref-out" -f md,html,pdf -q
    setup="rm -rf '$inc/out' && cp -a '$inc/ref-out' '$inc/out' && cp '$inc/profile-changed.yaml' '$inc/live.yaml'"
    measure "hicp-incremental:$ex" "$RUNS" "$WARMUP" "$setup" \
      "$HICP" build "$inc/live.yaml" "${TPL[@]}" -o "$inc/out" -f md,html,pdf -q
    # What the rebuild did, for the record.
    bash -c "$setup"
    # (to a file, not a pipe into head: hicp must not meet a closed stderr)
    "$HICP" build "$inc/live.yaml" "${TPL[@]}" -o "$inc/out" -f md,html,pdf 2> "$inc/rebuild.log" || true
    what=$(head -1 "$inc/rebuild.log")
    echo "# $ex incremental rebuild: ${what#built }" >> "$TSV"
  fi
  if want md2html; then
    measure "hicp-md2html:$ex" "$RUNS" "$WARMUP" "" bash "$HERE/workloads.sh" hicp-md2html "$md" "$WORK/md2html"
    measure "cmark-gfm:$ex" "$RUNS" "$WARMUP" "" bash "$HERE/workloads.sh" cmark-gfm "$md" "$WORK/cmark-gfm"
  fi
done

if want many; then
  log "== $PROFILES profile variants"
  ex_files=()
  for ex in $EXAMPLES; do ex_files+=("$ROOT/profiles/$ex.yaml"); done
  python3 "$HERE/profiles.py" variants --out "$VARIANTS" --count "$PROFILES" "${ex_files[@]}" >&2
  out=$WORK/many
  if [ "$CHUNK" -gt 0 ]; then
    cmd=(bash -c 'printf "%s\0" "$0"/p*.yaml | xargs -0 -n "$1" "$2" build -q --force -j "$3" -f md,html,pdf -o "$4" "${@:5}"' \
      "$VARIANTS" "$CHUNK" "$HICP" "$JOBS" "$out" "${TPL[@]}")
    how="in chunks of $CHUNK profiles per invocation"
  else
    # One invocation, all profiles (the glob is expanded here, not timed).
    cmd=("$HICP" build -q --force -j "$JOBS" -f md,html,pdf -o "$out" "${TPL[@]}" "$VARIANTS"/p*.yaml)
    how="in one invocation"
  fi
  echo "# many profiles: $PROFILES variants of the examples, -j $JOBS, $how" >> "$TSV"
  echo "# many count: $PROFILES" >> "$TSV"
  echo "# many jobs: $JOBS" >> "$TSV"
  # The previous run's output is moved aside, not deleted, and all of it is
  # deleted after the last run: deleting 112,000 files just before timing
  # the next run would bill hicp for the harness's own deletion. ext4
  # without a journal (this VM's root) will not reuse an inode freed in the
  # last 60 s, or 360 s while its inode-table block is dirty again (and new
  # files dirty it: RECENTCY_MIN/RECENTCY_DIRTY in fs/ext4/ialloc.c), so
  # every file created scans past them. Measured: 33-40 s of kernel time
  # instead of 6-10 s, even 61 s after a sync. A user's batch into a fresh
  # folder does not follow a mass delete by seconds. Needs room for
  # MANY_RUNS packs sets (6.4 GB each); MANY_DELETE=1 deletes instead.
  many_setup="[ ! -e '$out' ] || mv '$out' '$out.moved-'\$(date +%s%N)"
  many_how="previous run's output moved aside, deleted after the last run"
  need_kb=$(( (MANY_RUNS + 1) * 7 * 1024 * 1024 ))
  free_kb=$(df -k --output=avail "$WORK" | tail -1)
  if [ "${MANY_DELETE:-0}" = 1 ] || [ "$free_kb" -lt "$need_kb" ]; then
    [ "${MANY_DELETE:-0}" = 1 ] || log "warning: $((free_kb / 1024 / 1024)) GiB free, $((need_kb / 1024 / 1024)) GiB needed to keep the runs' output: deleting between runs"
    many_setup="rm -rf '$out'"
    many_how="previous run's output deleted just before"
  fi
  echo "# many setup: $many_how" >> "$TSV"
  measure "many" "$MANY_RUNS" 0 "$many_setup" "${cmd[@]}"
  packs=$(find "$out" -mindepth 2 -maxdepth 2 -name manifest.json | wc -l)
  echo "# many packs written: $packs ($(du -sh "$out" | cut -f1))" >> "$TSV"
  [ "$packs" = "$PROFILES" ] || log "warning: $packs packs written for $PROFILES profiles"
  rm -rf "$out".moved-*
  # The same run with the output on tmpfs, beside the disk run (not instead
  # of it): on this VM's ext4 root (mounted without a journal) creating a
  # file costs a scan for recently deleted inodes, which perf showed as 40 %
  # of the run's CPU; tmpfs shows what hicp itself costs.
  shm_free=$(df -k --output=avail /dev/shm 2>/dev/null | tail -1 || echo 0)
  if [ "${MANY_TMPFS:-1}" = 1 ] && [ "${shm_free:-0}" -gt $(( 8 * 1024 * 1024 )) ]; then
    rm -rf "$out"
    shm=/dev/shm/hicp-bench-many
    tcmd=("${cmd[@]}")
    for i in "${!tcmd[@]}"; do [ "${tcmd[$i]}" = "$out" ] && tcmd[$i]=$shm; done
    measure "many-tmpfs" "$MANY_RUNS" 0 "rm -rf '$shm'" "${tcmd[@]}"
    rm -rf "$shm"
  fi
fi

echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$TSV"
cp "$TSV" "$RESULTS/latest.tsv"
python3 "$HERE/report.py" "$TSV" > "$RESULTS/latest.md"
stamp=$(date -u +%Y-%m-%dT%H:%MZ)
rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -f "$RESULTS/history.tsv" ] || printf 'date\trev\tlabel\twall_med\tcpu_med\tpeak_mib_med\n' > "$RESULTS/history.tsv"
awk -F'\t' -v d="$stamp" -v r="$rev" '!/^#/ && $1 != "label" {print d "\t" r "\t" $1 "\t" $4 "\t" $7 "\t" $10}' "$TSV" >> "$RESULTS/history.tsv"
cat "$RESULTS/latest.md"
log "results: $RESULTS/latest.md, $RESULTS/latest.tsv"
