#!/usr/bin/env python3
"""Peak memory on generated input: a huge array initializer against clang's own parse, and a
huge SARIF baseline.

    python3 bench/memory.py [--mb 1 5] [--tool build/bin/state-audit] [--max-factor 3]
    python3 bench/memory.py --mb --baseline-mb 4 16
    python3 bench/memory.py --mb --shapes funcs:80000 lambdas:2000 chain:300000
    python3 bench/memory.py --mb --report-mb 63

--shapes generates the shapes of the hostile-input cases: N one-line functions, N lambdas each
called in place inside the one before, and `a = a = ... = a` N deep. Each is measured (time and
peak RSS) with `clang++-19 -fsyntax-only` (with an unlimited stack, which clang needs for deep
nesting; state-audit parses on a 512 MB stack of its own) and `state-audit scan -j1 --no-cache`,
alternating between the two, the median of --reps repetitions.

For each --mb size, writes `const unsigned char g_blob[] = {0x01, ...};` (plus a mutable global
so there is a finding) and measures the peak RSS of `clang++-19 -fsyntax-only` and of
`state-audit scan --no-cache` on it. Exits 1 when state-audit needs more than --max-factor times
clang's memory at any size: memory must stay within a small factor of clang's own parse.

For each --baseline-mb size, scans a one-TU project to SARIF, repeats its result (with distinct
fingerprints and lines) until the log has that size, pretty-printed as the tool writes it, and
measures the peak RSS of `state-audit scan --baseline` with it against the same scan without.
A baseline over the tool's limit is refused (exit 2), which is reported as such.

Every child runs under an address-space limit (--limit-mb), so that a runaway measurement fails
instead of exhausting the machine. Not a timed test: run it by hand, not in ctest.
"""
import copy
import json
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


LIMIT_MB = 16384


def peak_rss_kib(cmd, cwd, unlimited_stack=False):
    """Runs cmd in a child and returns (exit code, its peak RSS in KiB)."""
    pid = os.fork()
    if pid == 0:
        os.chdir(cwd)
        limit = LIMIT_MB << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        if unlimited_stack:
            hard = resource.getrlimit(resource.RLIMIT_STACK)[1]
            resource.setrlimit(resource.RLIMIT_STACK, (hard, hard))
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    return os.waitstatus_to_exitcode(status), usage.ru_maxrss


def write_blob(path, megabytes):
    elements = megabytes * (1 << 20) // 6  # "0x01, " is 6 bytes
    with open(path, "w") as f:
        f.write("int g_counter = 0;\nint bump() { return ++g_counter; }\n")
        f.write("const unsigned char g_blob[] = {\n")
        line = "0x01, " * 16 + "\n"
        for _ in range(elements // 16):
            f.write(line)
        f.write("0x01};\n")


def scan_one(d, tool, source, fmt):
    """Scans a one-TU project made of `source` in d/project; returns the project and the
    report (format `fmt`) as parsed JSON."""
    project = os.path.join(d, "project")
    os.makedirs(project)
    with open(os.path.join(project, "a.cpp"), "w") as f:
        f.write(source)
    one = os.path.join(d, "one." + fmt)
    code, _ = peak_rss_kib([tool, "scan", "a.cpp", "-q", "--no-cache", "--fail-on", "never",
                            "--format", fmt, "-o", one], project)
    if code != 0:
        raise RuntimeError(f"state-audit exited {code} writing {one}")
    with open(one) as f:
        return project, json.load(f)


def write_baseline(d, tool, megabytes):
    """A state-audit SARIF log of about `megabytes` MB, and the project it was made from."""
    project, log = scan_one(d, tool, "int g_counter = 0;\nint bump() { return ++g_counter; }\n",
                            "sarif")
    run = log["runs"][0]
    result = run["results"][0]

    def results(count):
        out = []
        for i in range(count):
            r = copy.deepcopy(result)
            r["fingerprints"]["stateAudit/v1"] = f"{i:016x}"
            r["locations"][0]["physicalLocation"]["region"]["startLine"] = i + 1
            out.append(r)
        return out

    def size(count):
        run["results"] = results(count)
        return len(json.dumps(log, indent=2, ensure_ascii=False).encode())

    empty = size(0)
    per_result = (size(64) - empty) / 64
    count = max(1, int(((megabytes << 20) - empty) / per_result))
    run["results"] = results(count)
    path = os.path.join(d, "baseline.sarif")
    with open(path, "w") as f:
        json.dump(log, f, indent=2, ensure_ascii=False)
    return project, path, count


def write_report(d, tool, megabytes):
    """A state-audit JSON report of about `megabytes` MB: one finding, with its path and
    evidence, repeated with distinct fingerprints."""
    _, report = scan_one(d, tool, "#include <map>\n#include <string>\n"
                         "std::map<std::string, int> g_sessions;\n"
                         "void hit(const std::string &k) { ++g_sessions[k]; }\n"
                         "void serve(const std::string &k) { hit(k); }\n", "json")
    finding = report["findings"][0]
    per = len(json.dumps(finding, indent=2).encode())
    count = max(1, (megabytes << 20) // per)
    findings = []
    for i in range(count):
        f = copy.deepcopy(finding)
        f["fingerprint"] = f"{i:016x}"
        findings.append(f)
    report["findings"] = findings
    path = os.path.join(d, "report.json")
    with open(path, "w") as f:
        json.dump(report, f, indent=2)
    return path, count


def measure_explain(tool, sizes):
    print("| report MB | findings | explain MiB | MiB per report MB |")
    print("|---:|---:|---:|---:|")
    for mb in sizes:
        with tempfile.TemporaryDirectory() as d:
            path, count = write_report(d, tool, mb)
            real_mb = os.path.getsize(path) / (1 << 20)
            code, used = peak_rss_kib([tool, "explain", f"{count - 1:016x}", "--report", path], d)
            status = "" if code == 0 else f" (exit {code})"
            print(f"| {real_mb:.0f}{status} | {count} | {used / 1024:.0f} | "
                  f"{used / 1024 / real_mb:.1f} |")


def measure_baselines(tool, sizes):
    print("| baseline MB | results | scan MiB | scan --baseline MiB | MiB per baseline MB |")
    print("|---:|---:|---:|---:|---:|")
    for mb in sizes:
        with tempfile.TemporaryDirectory() as d:
            project, path, count = write_baseline(d, tool, mb)
            real_mb = os.path.getsize(path) / (1 << 20)
            scan = [tool, "scan", "a.cpp", "-q", "--no-cache", "--fail-on", "never"]
            _, plain = peak_rss_kib(scan, project)
            code, with_baseline = peak_rss_kib(scan + ["--baseline", path], project)
            if code == 2:
                print(f"| {real_mb:.0f} | {count} | {plain / 1024:.0f} | refused (exit 2) | |")
            elif code != 0:
                print(f"| {real_mb:.0f} | {count} | {plain / 1024:.0f} | exit {code} "
                      f"(> {LIMIT_MB} MiB?) | |")
            else:
                extra = (with_baseline - plain) / 1024
                print(f"| {real_mb:.0f} | {count} | {plain / 1024:.0f} | "
                      f"{with_baseline / 1024:.0f} | {extra / real_mb:.0f} |")


def write_shape(path, shape, n):
    with open(path, "w") as f:
        if shape == "funcs":
            f.write("int g_calls = 0;\n")
            for i in range(n):
                f.write(f"int f{i}(int x) {{ ++g_calls; return x + {i}; }}\n")
        elif shape == "lambdas":
            f.write("int g_hits = 0;\nint main() { return " + "[]{ return " * n + "++g_hits" +
                    ";}()" * n + "; }\n")
        elif shape == "chain":
            f.write("int a;\nvoid f() { a" + " = a" * n + "; }\n")
        else:
            raise ValueError(f"unknown shape {shape} (funcs, lambdas, chain)")


def measure_shapes(tool, clang, shapes, reps):
    """Time and peak RSS of clang and of state-audit on each shape: the median of `reps`
    repetitions, alternating between the two so that a busy moment hits both alike."""
    print("| shape | clang s | clang MiB | state-audit s | state-audit MiB | time factor | memory factor |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    flags = ["-fbracket-depth=100000"]
    for spec in shapes:
        shape, n = spec.split(":")
        with tempfile.TemporaryDirectory() as d:
            write_shape(os.path.join(d, "shape.cpp"), shape, int(n))
            clang_runs, sa_runs, codes = [], [], set()
            for _ in range(reps):
                start = time.monotonic()
                _, clang_kib = peak_rss_kib([clang, "-fsyntax-only", "-std=c++17", *flags,
                                             "shape.cpp"], d, unlimited_stack=True)
                clang_runs.append((time.monotonic() - start, clang_kib))
                start = time.monotonic()
                code, sa_kib = peak_rss_kib([tool, "scan", "shape.cpp", "--root", ".", "-q",
                                             "-j1", "--no-cache", "--fail-on", "never", "--",
                                             *flags], d)
                sa_runs.append((time.monotonic() - start, sa_kib))
                codes.add(code)
            clang_s = statistics.median(t for t, _ in clang_runs)
            clang_kib = statistics.median(k for _, k in clang_runs)
            sa_s = statistics.median(t for t, _ in sa_runs)
            sa_kib = statistics.median(k for _, k in sa_runs)
            status = "" if codes == {0} else f" (exit {sorted(codes)})"
            print(f"| {spec}{status} | {clang_s:.2f} | {clang_kib / 1024:.0f} | {sa_s:.2f} | "
                  f"{sa_kib / 1024:.0f} | {sa_s / clang_s:.2f} | {sa_kib / clang_kib:.2f} |")


def main():
    global LIMIT_MB
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, nargs="*", default=[1, 5])
    ap.add_argument("--baseline-mb", type=int, nargs="*", default=[])
    ap.add_argument("--report-mb", type=int, nargs="*", default=[],
                    help="sizes of a JSON report to run `explain --report` on")
    ap.add_argument("--shapes", nargs="*", default=[],
                    help="SHAPE:N with SHAPE funcs, lambdas or chain")
    ap.add_argument("--reps", type=int, default=5,
                    help="repetitions of each --shapes measurement (the median is shown)")
    ap.add_argument("--limit-mb", type=int, default=LIMIT_MB,
                    help="address-space limit of every measured process")
    ap.add_argument("--tool", default=os.path.join(here, "..", "build", "bin", "state-audit"))
    ap.add_argument("--clang", default="clang++-19")
    ap.add_argument("--max-factor", type=float, default=3.0)
    args = ap.parse_args()
    LIMIT_MB = args.limit_mb
    tool = os.path.abspath(args.tool)
    if args.baseline_mb:
        measure_baselines(tool, args.baseline_mb)
    if args.shapes:
        measure_shapes(tool, args.clang, args.shapes, args.reps)
    if args.report_mb:
        measure_explain(tool, args.report_mb)
    if not args.mb:
        return 0
    worst = 0.0
    print("| MB | clang -fsyntax-only MiB | state-audit MiB | factor |")
    print("|---:|---:|---:|---:|")
    for mb in args.mb:
        with tempfile.TemporaryDirectory() as d:
            write_blob(os.path.join(d, "blob.cpp"), mb)
            _, clang = peak_rss_kib([args.clang, "-fsyntax-only", "-std=c++17", "blob.cpp"], d)
            code, used = peak_rss_kib([tool, "scan", "blob.cpp", "-q",
                                       "--no-cache", "--fail-on", "never"], d)
            if code not in (0, 1):
                print(f"state-audit exited {code} on {mb} MB", file=sys.stderr)
                return 2
            factor = used / clang
            worst = max(worst, factor)
            print(f"| {mb} | {clang / 1024:.0f} | {used / 1024:.0f} | {factor:.1f} |")
    if worst > args.max_factor:
        print(f"state-audit needs {worst:.1f}x clang's memory (limit {args.max_factor}x)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
