#!/usr/bin/env python3
"""Peak memory on a generated array initializer, against clang's own parse.

    python3 bench/memory.py [--mb 1 5] [--tool build/bin/state-audit] [--max-factor 3]

For each size, writes `const unsigned char g_blob[] = {0x01, ...};` (plus a mutable global so
there is a finding) and measures the peak RSS of `clang++-19 -fsyntax-only` and of
`state-audit scan --no-cache` on it. Exits 1 when state-audit needs more than --max-factor times
clang's memory at any size: memory must stay within a small factor of clang's own parse.
Not a timed test: run it by hand or in the benchmark job, not in ctest.
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile


def peak_rss_kib(cmd, cwd):
    """Runs cmd in a child and returns (exit code, its peak RSS in KiB)."""
    pid = os.fork()
    if pid == 0:
        os.chdir(cwd)
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


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, nargs="+", default=[1, 5])
    ap.add_argument("--tool", default=os.path.join(here, "..", "build", "bin", "state-audit"))
    ap.add_argument("--clang", default="clang++-19")
    ap.add_argument("--max-factor", type=float, default=3.0)
    args = ap.parse_args()
    worst = 0.0
    print("| MB | clang -fsyntax-only MiB | state-audit MiB | factor |")
    print("|---:|---:|---:|---:|")
    for mb in args.mb:
        with tempfile.TemporaryDirectory() as d:
            write_blob(os.path.join(d, "blob.cpp"), mb)
            _, clang = peak_rss_kib([args.clang, "-fsyntax-only", "-std=c++17", "blob.cpp"], d)
            code, tool = peak_rss_kib([os.path.abspath(args.tool), "scan", "blob.cpp", "-q",
                                       "--no-cache", "--fail-on", "never"], d)
            if code not in (0, 1):
                print(f"state-audit exited {code} on {mb} MB", file=sys.stderr)
                return 2
            factor = tool / clang
            worst = max(worst, factor)
            print(f"| {mb} | {clang / 1024:.0f} | {tool / 1024:.0f} | {factor:.1f} |")
    if worst > args.max_factor:
        print(f"state-audit needs {worst:.1f}x clang's memory (limit {args.max_factor}x)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
