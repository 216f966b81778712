#!/usr/bin/env python3
"""Turn the TSV that scripts/bench.sh wrote into the results table (Markdown)
with ratios and the targets of issue 7.

    report.py RESULTS.tsv > latest.md

TSV: measure.py rows (label runs wall_min wall_med wall_max cpu_min cpu_med
cpu_max peak_min peak_med peak_max bad_exits foreign_cpu_med), labels
`WORKLOAD:PACK` (or `many` for the 1,000-profile run), and `# key: value`
comment lines with facts about the run and the packs.
"""

import sys
from collections import OrderedDict

WHAT = OrderedDict([
    ("hicp-full", "hicp build, md + html + pdf (+ index, binder), --force, fresh out dir"),
    ("hicp-incremental", "hicp build after one vendor contact changed (rebuild only)"),
    ("pandoc-html", "pandoc gfm → standalone HTML5, 1 process per document"),
    ("pandoc-typst", "pandoc gfm → typst per document, then typst (PyPI) → PDF"),
    ("hicp-md2html", "hicp's pulldown-cmark Markdown → HTML, all files, 1 process"),
    ("cmark-gfm", "cmark-gfm Markdown → HTML, all files, 1 process"),
])

TARGETS = {
    "full": 40.0,        # pandoc+typst / hicp full >= 40
    "incremental": 0.15,  # incremental / full <= 0.15
    "many": 60.0,        # seconds for 1,000 profiles
    "peak": 150.0,       # MiB
    "md2html": 3.0,      # hicp md2html / cmark-gfm <= 3
}


def load(path):
    rows, meta, packs = {}, OrderedDict(), OrderedDict()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            if line.startswith("#"):
                body = line[1:].strip()
                if body.startswith("pack "):
                    # "# pack NAME: docs=N words=N md_bytes=N"
                    name, _, facts = body[5:].partition(":")
                    packs[name.strip()] = dict(kv.split("=", 1) for kv in facts.split())
                elif ":" in body:
                    k, _, v = body.partition(":")
                    meta[k.strip()] = v.strip()
                continue
            cols = line.split("\t")
            if cols[0] == "label":
                continue
            r = {
                "runs": int(cols[1]),
                "wall": (float(cols[2]), float(cols[3]), float(cols[4])),
                "cpu": float(cols[6]),
                "peak": float(cols[9]),
                "bad": int(cols[11]),
                "foreign": float(cols[12]) if len(cols) > 12 else 0.0,
            }
            rows[cols[0]] = r
    return rows, meta, packs


def fmt_s(x):
    return f"{x:.3f}" if x < 10 else f"{x:.2f}"


def ratio(x):
    return f"{x:.0f}×" if x >= 10 else f"{x:.1f}×"


def main():
    rows, meta, packs = load(sys.argv[1])
    out = []
    w = out.append
    w("# hicp benchmark results")
    w("")
    w("Written by `scripts/bench.sh` (do not edit by hand). Whole-process figures: wall seconds from")
    w("start to exit, median of the runs shown (min–max in brackets); CPU = user + system of the")
    w("command and its children; peak = largest single process (max RSS); foreign CPU = the")
    w("machine's other busy CPU during a run (near 0 on a quiet machine).")
    w("")
    for k, v in meta.items():
        w(f"- {k}: {v}")
    w("")
    w("## Packs")
    w("")
    w("| pack | documents | words | Markdown bytes | PDF pages |")
    w("|---|---|---|---|---|")
    for name, f in packs.items():
        w(f"| {name} | {f.get('docs', '?')} | {int(f.get('words', 0)):,} | {int(f.get('md_bytes', 0)):,} | {f.get('pdf_pages', '?')} |")
    w("")
    w("## Timings")
    w("")
    w("| workload | pack | what | runs | wall s | CPU s | peak MiB | foreign CPU s | failed runs |")
    w("|---|---|---|---|---|---|---|---|---|")
    for wl, what in WHAT.items():
        for name in packs:
            r = rows.get(f"{wl}:{name}")
            if r is None:
                continue
            lo, med, hi = r["wall"]
            w(f"| {wl} | {name} | {what} | {r['runs']} | **{fmt_s(med)}** ({fmt_s(lo)}–{fmt_s(hi)}) | "
              f"{fmt_s(r['cpu'])} | {r['peak']:.1f} | {r['foreign']:.2f} | {r['bad']} |")
    many = rows.get("many")
    many_tmpfs = rows.get("many-tmpfs")
    setup = meta.get("many setup")
    disk_where = "output on this machine's disk" + (f" ({setup})" if setup else "")
    for label, r, where in [("hicp-many", many, disk_where),
                            ("hicp-many-tmpfs", many_tmpfs, "output on tmpfs (/dev/shm)")]:
        if not r:
            continue
        lo, med, hi = r["wall"]
        w(f"| {label} | {meta.get('many profiles', '1,000 variants')}; {where} | `hicp build … -j 2 -f md,html,pdf` | "
          f"{r['runs']} | **{fmt_s(med)}** ({fmt_s(lo)}–{fmt_s(hi)}) | {fmt_s(r['cpu'])} | "
          f"{r['peak']:.1f} | {r['foreign']:.2f} | {r['bad']} |")
    w("")
    w("## Ratios and targets (issue 7)")
    w("")
    w("| measure | pack | figure | target | met |")
    w("|---|---|---|---|---|")
    verdicts = []

    def verdict(ok):
        verdicts.append(ok)
        return "yes" if ok else "**no**"

    def med(label):
        r = rows.get(label)
        return r["wall"][1] if r and r["bad"] == 0 else None

    for name in packs:
        full, typ, html = med(f"hicp-full:{name}"), med(f"pandoc-typst:{name}"), med(f"pandoc-html:{name}")
        if full and typ:
            x = typ / full
            w(f"| full pack vs pandoc → typst → PDF | {name} | hicp {fmt_s(full)} s vs {fmt_s(typ)} s → **{ratio(x)}** | ≥ 40× | {verdict(x >= TARGETS['full'])} |")
        if full and typ and html:
            x = (typ + html) / full
            w(f"| full pack vs pandoc HTML + pandoc → typst PDF | {name} | hicp {fmt_s(full)} s vs {fmt_s(typ + html)} s → {ratio(x)} | – | – |")
        if full and html:
            x = html / full
            w(f"| full pack vs pandoc → HTML alone | {name} | hicp {fmt_s(full)} s vs {fmt_s(html)} s → {ratio(x)} | – | – |")
        inc = med(f"hicp-incremental:{name}")
        if full and inc:
            x = inc / full
            w(f"| incremental rebuild / full build | {name} | {fmt_s(inc)} s / {fmt_s(full)} s = **{x * 100:.0f} %** | ≤ 15 % | {verdict(x <= TARGETS['incremental'])} |")
        r = rows.get(f"hicp-full:{name}")
        if r:
            w(f"| peak memory of a full build | {name} | **{r['peak']:.1f} MiB** | ≤ 150 MiB | {verdict(r['peak'] <= TARGETS['peak'])} |")
        md, cm = med(f"hicp-md2html:{name}"), med(f"cmark-gfm:{name}")
        if md and cm:
            x = md / cm
            w(f"| Markdown → HTML vs cmark-gfm (1 process) | {name} | {fmt_s(md)} s vs {fmt_s(cm)} s → **{x:.2f}×** cmark-gfm's time | ≤ 3× | {verdict(x <= TARGETS['md2html'])} |")
    if many:
        m = many["wall"][1]
        ok = many["bad"] == 0 and m <= TARGETS["many"]
        w(f"| {meta.get('many count', '1000')} profiles, `-j {meta.get('many jobs', '2')}`, output on disk | all variants | **{fmt_s(m)} s** ({1000 * m / max(1, int(meta.get('many count', '1000'))):.0f} ms per pack) | ≤ 60 s | {verdict(ok)} |")
    if many_tmpfs:
        m = many_tmpfs["wall"][1]
        ok = many_tmpfs["bad"] == 0 and m <= TARGETS["many"]
        w(f"| {meta.get('many count', '1000')} profiles, `-j {meta.get('many jobs', '2')}`, output on tmpfs (no file-system cost; not counted) | all variants | {fmt_s(m)} s ({1000 * m / max(1, int(meta.get('many count', '1000'))):.0f} ms per pack) | ≤ 60 s | {'yes' if ok else 'no'} |")
    w("")
    w(f"{sum(verdicts)} of {len(verdicts)} target checks met.")
    print("\n".join(out))


if __name__ == "__main__":
    main()
