#!/usr/bin/env python3
"""Whole-process timer (standard library only, Linux), after the one that
measured the anchor tools (shared/bench/measure.py), plus an untimed set-up
command and a check for foreign load.

    measure.py [-n RUNS] [--warmup W] [--label NAME] [--setup 'SHELL CMD'] -- COMMAND [ARG ...]

Runs COMMAND W times unmeasured, then RUNS times measured, each with empty
stdin and stdout/stderr sent to /dev/null. Before every run (warm-up and
measured) the --setup shell command runs, untimed (e.g. to empty the output
folder so each build starts fresh). For each run: wall seconds (monotonic
clock around fork..reap), cpu seconds (user+system of the command and every
descendant it waited for, from wait4), peak RSS (largest single process
among those, ru_maxrss), and the machine's busy CPU seconds over the run from
/proc/stat. Prints one TSV line:

    label runs wall_min wall_med wall_max cpu_min cpu_med cpu_max
          peak_mib_min peak_mib_med peak_mib_max bad_exits foreign_cpu_med

foreign_cpu_med = median over runs of (machine busy CPU - command CPU): near 0
on a quiet machine; compare it with cpu_med to judge a figure. Quote medians.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time


def busy_seconds():
    """Busy CPU seconds of the whole machine since boot (all but idle+iowait)."""
    with open("/proc/stat") as f:
        fields = f.readline().split()[1:]
    ticks = [int(x) for x in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
    # guest time is already counted in user/nice
    total = sum(ticks[:8])
    return (total - idle) / os.sysconf("SC_CLK_TCK")


def one(cmd, setup):
    if setup:
        subprocess.run(["bash", "-c", setup], check=True)
    devnull = os.open(os.devnull, os.O_RDWR)
    b0 = busy_seconds()
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=devnull, stdout=devnull, stderr=devnull)
    _, status, ru = os.wait4(p.pid, 0)
    t1 = time.monotonic()
    b1 = busy_seconds()
    p.returncode = os.waitstatus_to_exitcode(status)
    os.close(devnull)
    cpu = ru.ru_utime + ru.ru_stime
    return t1 - t0, cpu, ru.ru_maxrss / 1024.0, p.returncode, max(0.0, (b1 - b0) - cpu)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--label", default="")
    ap.add_argument("--setup", default="")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no command")
    for _ in range(a.warmup):
        one(cmd, a.setup)
    rows = [one(cmd, a.setup) for _ in range(a.n)]
    bad = sum(1 for r in rows if r[3] != 0)
    out = [a.label or " ".join(cmd), str(a.n)]
    for i, fmt in ((0, "{:.3f}"), (1, "{:.3f}"), (2, "{:.1f}")):
        vals = [r[i] for r in rows]
        out += [fmt.format(min(vals)), fmt.format(statistics.median(vals)), fmt.format(max(vals))]
    out.append(str(bad))
    out.append("{:.3f}".format(statistics.median(r[4] for r in rows)))
    print("\t".join(out), flush=True)


if __name__ == "__main__":
    sys.exit(main())
