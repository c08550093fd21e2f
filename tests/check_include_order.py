#!/usr/bin/env python3
"""Checks that every file of this build searches LLVM's include directory after the compiler's
own directories (the C++ standard library's among them).

LLVM's include directory may also hold the C++ runtime's headers (Debian's libc++abi-19-dev puts
cxxabi.h there, libunwind-19-dev unwind.h): searched first, it replaces libstdc++'s. For each
distinct set of include flags in compile_commands.json the compiler itself prints its search
list (-E -v); every directory it searches without those flags must come before LLVM's.

    check_include_order.py COMPILE_COMMANDS_JSON LLVM_INCLUDE_DIR...
"""
import json
import os
import shlex
import subprocess
import sys

# Flags that change where headers are found, with a separate argument or joined to it.
SEARCH_FLAGS = ("-I", "-isystem", "-idirafter", "-iquote", "-isysroot", "--sysroot",
                "--gcc-toolchain", "-stdlib", "-nostdinc", "-nostdinc++", "-std", "-target")


def search_flags(arguments):
    kept = []
    i = 0
    while i < len(arguments):
        arg = arguments[i]
        name = next((f for f in SEARCH_FLAGS if arg == f or arg.startswith(f)), None)
        if name is not None:
            kept.append(arg)
            separate = arg == name and name not in ("-nostdinc", "-nostdinc++")
            if separate and i + 1 < len(arguments):
                kept.append(arguments[i + 1])
                i += 1
        i += 1
    return tuple(kept)


def search_list(compiler, flags, directory):
    run = subprocess.run([compiler, *flags, "-x", "c++", "-E", "-v", os.devnull],
                         cwd=directory, capture_output=True, text=True, check=True)
    lines = run.stderr.splitlines()
    start = lines.index("#include <...> search starts here:") + 1
    end = lines.index("End of search list.")
    return [os.path.realpath(line.strip().split(" (")[0]) for line in lines[start:end]]


def main():
    commands = json.load(open(sys.argv[1]))
    llvm_dirs = {os.path.realpath(d) for d in sys.argv[2:]}
    checked = {}
    defaults = {}
    failures = 0
    for entry in commands:
        arguments = entry.get("arguments") or shlex.split(entry["command"])
        key = (arguments[0], search_flags(arguments[1:]))
        if key in checked:
            continue
        compiler, flags = key
        if compiler not in defaults:
            defaults[compiler] = search_list(compiler, (), entry["directory"])
        searched = search_list(compiler, flags, entry["directory"])
        checked[key] = entry["file"]
        for llvm in llvm_dirs & set(searched):
            position = searched.index(llvm)
            ahead = [d for d in defaults[compiler] if d in searched and searched.index(d) > position]
            if ahead:
                failures += 1
                print(f"FAIL {entry['file']}: {llvm} is searched before {', '.join(ahead)}")
    if not checked:
        print("FAIL: no compile commands in " + sys.argv[1])
        return 1
    print(f"{len(checked)} distinct include flag sets checked, {failures} wrong")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
