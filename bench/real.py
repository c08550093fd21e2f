#!/usr/bin/env python3
"""Benchmarks state-audit on a real code base given by its compile database.

The sources are copied to a work directory first (the compile database is rewritten to point
at the copy), so the edits below never touch the original tree. In one run, over the same TUs
with the same number of jobs, alternating between variants on every repetition:

  syntax-only   clang++-19 -fsyntax-only on every TU (the cost of parsing)
  clang-tidy    clang-tidy-19 with cppcoreguidelines-avoid-non-const-global-variables
  cold          state-audit scan with an empty cache
  warm          state-audit scan again, nothing changed
  touch-cpp     after a line is inserted at the top of one .cpp (its facts move: re-parse and
                re-link)
  touch-header  the same on the project header the most TUs include

It reports wall time, CPU time (user + system of every process), peak RSS (of the largest
process), how many TUs each scan parsed, the cache's bytes per TU, and checks that the warm
scan reports byte for byte what the cold one did.

  bench/real.py --compile-db /tmp/build/GopherSecurity+gopher-mcp \\
                --source /tmp/corpus/GopherSecurity+gopher-mcp [--jobs 2] [--reps 1] \\
                [--cpp src/x.cc] [--header include/x.h] [--update-readme]
"""
import argparse
import collections
import datetime
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time

import run as bench  # bench/run.py: run_pool, machine, the shared options

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VARIANTS = ["syntax-only", "clang-tidy", "cold", "warm", "touch-cpp", "touch-header"]
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)


def copy_project(source, db_dir, work):
    """The sources copied to work/src, and a compile database for the copy in work/db."""
    src = os.path.join(work, "src")
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(source, src, symlinks=True, ignore=shutil.ignore_patterns(".git", ".state-audit-cache"))
    text = open(os.path.join(db_dir, "compile_commands.json")).read()
    db_out = os.path.join(work, "db")
    os.makedirs(db_out, exist_ok=True)
    with open(os.path.join(db_out, "compile_commands.json"), "w") as f:
        f.write(text.replace(os.path.abspath(source), src))
    return src, db_out


def arguments(entry):
    return entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])


def syntax_commands(db):
    return [(bench.syntax_command(arguments(e)), e["directory"]) for e in db]


def run_each(commands, jobs):
    """run_pool for commands that each have their own directory."""
    by_dir = collections.defaultdict(list)
    for argv, cwd in commands:
        by_dir[cwd].append(argv)
    wall = cpu = rss = 0.0
    for cwd, argvs in by_dir.items():
        w, c, r = bench.run_pool(argvs, jobs, cwd)
        wall, cpu, rss = wall + w, cpu + c, max(rss, r)
    return wall, cpu, rss


def widest_header(src, db):
    """The project header included (directly) by the most TUs' sources: a fair 'widely included'."""
    counts = collections.Counter()
    for e in db:
        path = e["file"] if os.path.isabs(e["file"]) else os.path.join(e["directory"], e["file"])
        try:
            text = open(path, errors="replace").read()
        except OSError:
            continue
        for inc in set(INCLUDE.findall(text)):
            counts[os.path.basename(inc)] += 1
    headers = {}
    for d, _, files in os.walk(src):
        for f in files:
            if f.endswith((".h", ".hpp", ".hh")):
                headers.setdefault(f, os.path.join(d, f))
    for name, _ in counts.most_common():
        if name in headers:
            return headers[name]
    sys.exit("no project header is included by the TUs")


def insert_line(path, text):
    with open(path) as f:
        content = f.read()
    with open(path, "w") as f:
        f.write(text + content)


def scan(tool, src, db_dir, cache, jobs, report):
    argv = [tool, "scan", src, "-p", db_dir, "-j", str(jobs), "--cache-dir", cache, "--format",
            "json", "-o", report, "-v", "--fail-on", "never"]
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, cwd=src, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit("state-audit failed:\n" + err[-2000:])
    parsed = sum(1 for line in err.splitlines() if re.search(r"\] .* \d+\.\d\d s$", line))
    return (wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss), parsed


def cache_bytes(cache):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(cache) for f in fs)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--compile-db", required=True, help="directory holding compile_commands.json")
    ap.add_argument("--source", required=True, help="the project's source tree (copied, never edited)")
    ap.add_argument("--cpp", help="the .cpp to touch, relative to --source (default: the first TU)")
    ap.add_argument("--header", help="the header to touch (default: the one the most TUs include)")
    bench.add_common_arguments(ap, "/tmp/state-audit-bench-real", 1, "real")
    args = ap.parse_args()
    tool = os.path.abspath(args.state_audit)
    os.makedirs(args.work, exist_ok=True)
    started = datetime.datetime.now()
    src, db_dir = copy_project(os.path.abspath(args.source), args.compile_db, args.work)
    db = json.load(open(os.path.join(db_dir, "compile_commands.json")))
    tus = len(db)
    first = db[0]["file"] if os.path.isabs(db[0]["file"]) else os.path.join(db[0]["directory"], db[0]["file"])
    cpp = os.path.join(src, args.cpp) if args.cpp else first
    header = os.path.join(src, args.header) if args.header else widest_header(src, db)
    print("%d TUs; touching %s and %s" % (tus, os.path.relpath(cpp, src), os.path.relpath(header, src)),
          flush=True)
    cache = os.path.join(args.work, "cache")
    reports = os.path.join(args.work, "reports")
    os.makedirs(reports, exist_ok=True)
    samples = {v: [] for v in VARIANTS}
    parsed = {v: [] for v in VARIANTS}
    cache_sizes = []
    for rep in range(args.reps):
        for variant in VARIANTS:
            if variant == "syntax-only":
                m = run_each(syntax_commands(db), args.jobs)
            elif variant == "clang-tidy":
                m = run_each([(bench.tidy_command(db_dir, e["file"]), e["directory"]) for e in db],
                             args.jobs)
            else:
                bench.prepare(variant, cache, cpp, header, rep, edit=insert_line)
                m, n = scan(tool, src, db_dir, cache, args.jobs, os.path.join(reports, variant + ".json"))
                parsed[variant].append(n)
                if variant == "cold":
                    cache_sizes.append(cache_bytes(cache))
            samples[variant].append(m)
            print("  rep %d %-12s %7.2f s wall %7.2f s cpu %6.0f MiB%s" %
                  (rep + 1, variant, m[0], m[1], m[2] / 1024,
                   ", %d TUs parsed" % parsed[variant][-1] if parsed[variant] else ""), flush=True)
        if open(os.path.join(reports, "warm.json")).read() != open(os.path.join(reports, "cold.json")).read():
            sys.exit("the warm scan reports something else than the cold one")
    v = {k: {"wall": statistics.median(x[0] for x in ms), "cpu": statistics.median(x[1] for x in ms),
             "rss_mib": max(x[2] for x in ms) / 1024} for k, ms in samples.items()}
    base = v["syntax-only"]["wall"]
    cold = v["cold"]["wall"]
    name = os.path.basename(os.path.abspath(args.source))
    lines = ["Measured %s on %s; %s, %d TUs, -j %d, median of %d repetitions (peak RSS: the largest "
             "process). Touched: `%s` and `%s` (a line inserted at the top)." %
             (started.strftime("%Y-%m-%d"), bench.machine(), name, tus, args.jobs, args.reps,
              os.path.relpath(cpp, src), os.path.relpath(header, src)),
             "",
             "| variant | wall (s) | CPU (s) | peak RSS (MiB) | TUs parsed | wall / syntax-only | wall / cold |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for k in VARIANTS:
        x = v[k]
        n = str(statistics.median(parsed[k])) if parsed[k] else ""
        lines.append("| %s | %.2f | %.2f | %.0f | %s | %.3f | %.3f |" %
                     (k, x["wall"], x["cpu"], x["rss_mib"], n, x["wall"] / base, x["wall"] / cold))
    lines += ["", "Cache after the cold scan: %.1f MB, %.0f KB per TU." %
              (statistics.median(cache_sizes) / 1e6, statistics.median(cache_sizes) / tus / 1e3)]
    text = "\n".join(lines)
    print()
    print(text)
    with open(os.path.join(args.work, "results.json"), "w") as f:
        json.dump({"machine": bench.machine(), "date": started.isoformat(), "jobs": args.jobs,
                   "reps": args.reps, "tus": tus, "variants": v, "parsed": parsed,
                   "cache_bytes": cache_sizes}, f, indent=1)
    if args.update_readme:
        bench.update_readme(text, "real")

if __name__ == "__main__":
    main()
