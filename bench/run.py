#!/usr/bin/env python3
"""Benchmarks state-audit against clang's parser and clang-tidy on generated corpora.

For each corpus size, in one run and alternating between variants on every repetition, it
times over the same TUs with the same number of jobs:

  syntax-only   clang++-19 -fsyntax-only on every TU (the cost of parsing)
  clang-tidy    clang-tidy-19 with cppcoreguidelines-avoid-non-const-global-variables
  cold          state-audit scan with an empty cache
  warm          state-audit scan again, nothing changed
  touch-cpp     state-audit scan after changing one .cpp
  touch-header  state-audit scan after changing the header every TU includes

and reports the median wall time, CPU time (user + system of every process) and peak RSS (of
the largest process) per variant, with the ratios against syntax-only. It also checks that
state-audit reports the corpus's known findings, that findings are identical with and without
body skipping, and measures the facts' size per TU.

  bench/run.py [--sizes 10 50 200] [--jobs 2] [--reps 3] [--state-audit build/bin/state-audit]
               [--work /tmp/state-audit-bench] [--update-readme]
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VARIANTS = ["syntax-only", "clang-tidy", "cold", "warm", "touch-cpp", "touch-header"]


def run_pool(commands, jobs, cwd):
    """Runs commands, `jobs` at a time; returns (wall, cpu, peak rss in KiB)."""
    start = time.perf_counter()
    pending = list(commands)
    running = {}
    cpu = 0.0
    rss = 0
    while pending or running:
        while pending and len(running) < jobs:
            argv = pending.pop(0)
            p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            running[p.pid] = (p, argv)
        pid, status, usage = os.wait4(-1, 0)
        if pid not in running:
            continue
        p, argv = running.pop(pid)
        cpu += usage.ru_utime + usage.ru_stime
        rss = max(rss, usage.ru_maxrss)
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):  # state-audit's gate fails on the corpus's errors: that is fine
            err = p.stderr.read().decode(errors="replace") if p.stderr else ""
            sys.exit("command failed (%d): %s\n%s" % (code, " ".join(argv), err[-2000:]))
        if p.stderr:
            p.stderr.close()
    return time.perf_counter() - start, cpu, rss


def syntax_command(arguments):
    """A compile command's arguments as `clang++-19 ... -fsyntax-only` (no -c, no -o)."""
    args = ["clang++-19"]
    skip = False
    for a in arguments[1:]:
        if skip:
            skip = False
        elif a == "-o":
            skip = True
        elif a != "-c":
            args.append(a)
    return args + ["-fsyntax-only"]


def syntax_commands(corpus):
    db = json.load(open(os.path.join(corpus, "compile_commands.json")))
    return [syntax_command(e["arguments"]) for e in db]


def tidy_command(db_dir, file):
    return ["clang-tidy-19", "-p", db_dir, "--quiet",
            "--checks=-*,cppcoreguidelines-avoid-non-const-global-variables", file]


def tidy_commands(corpus):
    db = json.load(open(os.path.join(corpus, "compile_commands.json")))
    return [tidy_command(corpus, e["file"]) for e in db]


def add_common_arguments(ap, work, reps, markers):
    """--jobs, --reps, --state-audit, --work and --update-readme, shared by bench/real.py."""
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--reps", type=int, default=reps)
    ap.add_argument("--state-audit", default=os.path.join(ROOT, "build", "bin", "state-audit"))
    ap.add_argument("--work", default=work)
    ap.add_argument("--update-readme", action="store_true",
                    help="write the table into bench/README.md between its %s markers" % markers)


def update_readme(text, markers):
    """Replaces what stands between <!-- MARKERS:begin --> and <!-- MARKERS:end -->."""
    readme = os.path.join(HERE, "README.md")
    content = open(readme).read()
    begin, end = "<!-- %s:begin -->" % markers, "<!-- %s:end -->" % markers
    content = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: begin + "\n" + text + "\n" + end,
                     content, flags=re.S)
    with open(readme, "w") as f:
        f.write(content)


def scan_command(tool, corpus, jobs, cache, extra=()):
    return [tool, "scan", corpus, "-p", corpus, "-j", str(jobs), "--cache-dir", cache,
            "--format", "json", "-o", os.devnull, "-q", "--fail-on", "never"] + list(extra)


def append_line(path, text):
    with open(path, "a") as f:
        f.write(text)


def prepare(variant, cache, cpp, header, rep, edit=append_line):
    """Before a state-audit variant: an empty cache for cold, an edit for the touches."""
    if variant == "cold":
        shutil.rmtree(cache, ignore_errors=True)
    elif variant == "touch-cpp":
        edit(cpp, "// edit %d\n" % rep)
    elif variant == "touch-header":
        edit(header, "// edit %d\n" % rep)


def check_findings(tool, corpus):
    """The known findings, identical with and without body skipping."""
    expected = json.load(open(os.path.join(corpus, "expected.json")))
    reports = []
    for extra in ([], ["--no-skip-bodies"]):
        out = subprocess.run([tool, "scan", corpus, "-p", corpus, "--no-cache", "--format", "json",
                              "-q", "--fail-on", "never"] + extra,
                             capture_output=True, text=True, check=True).stdout
        reports.append(out)
    by_rule = json.loads(reports[0])["summary"]["byRule"]
    if by_rule != expected["byRule"]:
        sys.exit("state-audit found %s, the corpus has %s" % (by_rule, expected["byRule"]))
    if reports[0] != reports[1]:
        sys.exit("findings differ with --no-skip-bodies")
    return sum(sum(levels.values()) for levels in by_rule.values())


def facts_bytes_per_tu(tool, corpus, work):
    facts = os.path.join(work, "facts.json")
    subprocess.run([tool, "scan", corpus, "-p", corpus, "--no-cache", "--facts-out", facts, "-q",
                    "--fail-on", "never", "--format", "json", "-o", os.devnull], check=True)
    tus = len(json.load(open(facts))["tus"])
    return os.path.getsize(facts) / tus


def bench_size(n, args):
    corpus = os.path.join(args.work, "corpus-%d" % n)
    shutil.rmtree(corpus, ignore_errors=True)
    subprocess.run([sys.executable, os.path.join(HERE, "generate_corpus.py"), str(n), corpus],
                   check=True, stdout=subprocess.DEVNULL)
    tool = os.path.abspath(args.state_audit)
    findings = check_findings(tool, corpus)
    cache = os.path.join(args.work, "cache-%d" % n)
    samples = {v: [] for v in VARIANTS}
    one_cpp = os.path.join(corpus, "src", "tool0.cpp")
    header = os.path.join(corpus, "src", "server_state.h")
    for rep in range(args.reps):
        for variant in VARIANTS:
            if variant == "syntax-only":
                m = run_pool(syntax_commands(corpus), args.jobs, corpus)
            elif variant == "clang-tidy":
                m = run_pool(tidy_commands(corpus), args.jobs, corpus)
            else:
                prepare(variant, cache, one_cpp, header, rep)
                m = run_pool([scan_command(tool, corpus, args.jobs, cache)], 1, corpus)
            samples[variant].append(m)
            print("  N=%d rep %d %-12s %7.2f s wall %7.2f s cpu %6.0f MiB" %
                  (n, rep + 1, variant, m[0], m[1], m[2] / 1024), flush=True)
    result = {"tus": n + 2, "findings": findings, "variants": {}}
    for v, ms in samples.items():
        result["variants"][v] = {
            "wall": statistics.median(x[0] for x in ms),
            "cpu": statistics.median(x[1] for x in ms),
            "rss_mib": max(x[2] for x in ms) / 1024,
        }
    result["facts_bytes_per_tu"] = facts_bytes_per_tu(tool, corpus, args.work)
    cache_bytes = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(cache) for f in fs)
    result["cache_bytes_per_tu"] = cache_bytes / (n + 2)
    return result


def machine():
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1)) // 1024 // 1024
    except OSError:
        mem = 0
    return "%s, %d cores, %d GiB, %s" % (cpu, os.cpu_count(), mem, platform.platform())


def table(results, jobs, reps):
    lines = ["| TUs | variant | wall (s) | CPU (s) | peak RSS (MiB) | wall / syntax-only |",
             "|---:|---|---:|---:|---:|---:|"]
    for n, r in results.items():
        base = r["variants"]["syntax-only"]["wall"]
        for v in VARIANTS:
            x = r["variants"][v]
            lines.append("| %d | %s | %.2f | %.2f | %.0f | %.3f |" %
                         (r["tus"], v, x["wall"], x["cpu"], x["rss_mib"], x["wall"] / base))
    lines.append("")
    lines.append("| TUs | findings | facts per TU (bytes) | cache per TU (bytes) | cold / syntax-only | "
                 "warm / cold | touch-cpp / cold | cold / clang-tidy |")
    lines.append("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, r in results.items():
        v = r["variants"]
        lines.append("| %d | %d | %.0f | %.0f | %.3f | %.4f | %.3f | %.3f |" % (
            r["tus"], r["findings"], r["facts_bytes_per_tu"], r["cache_bytes_per_tu"],
            v["cold"]["wall"] / v["syntax-only"]["wall"], v["warm"]["wall"] / v["cold"]["wall"],
            v["touch-cpp"]["wall"] / v["cold"]["wall"], v["cold"]["wall"] / v["clang-tidy"]["wall"]))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 200])
    add_common_arguments(ap, "/tmp/state-audit-bench", 3, "results")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    started = datetime.datetime.now()
    results = {}
    for n in args.sizes:
        print("corpus of %d tool TUs" % n, flush=True)
        results[n] = bench_size(n, args)
    header = ("Measured %s on %s; -j %d, median of %d alternating repetitions (peak RSS: the "
              "largest process)." % (started.strftime("%Y-%m-%d"), machine(), args.jobs, args.reps))
    text = header + "\n\n" + table(results, args.jobs, args.reps)
    print()
    print(text)
    with open(os.path.join(args.work, "results.json"), "w") as f:
        json.dump({"machine": machine(), "date": started.isoformat(), "jobs": args.jobs,
                   "reps": args.reps, "results": results}, f, indent=1)
    if args.update_readme:
        update_readme(text, "results")

if __name__ == "__main__":
    main()
