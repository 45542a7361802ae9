#!/usr/bin/env python3
"""Times whole commands alternated run by run (A, B, C, A, B, C, ...), so that a change in the
machine's load between minutes falls on every command alike; hyperfine runs each command's runs in
one block, and the order of the blocks then shows in the results (docs/performance.md, "Fifth
round"). PREPARE runs before each timed run, untimed (e.g. removing the output and syncing).

usage: bench/alternate.py RUNS PREPARE COMMAND...
prints, per command: median wall time, mean CPU time (user + system of the child), the command.
"""
import os
import shlex
import statistics
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    runs, prepare, commands = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    wall = {c: [] for c in commands}
    cpu = {c: [] for c in commands}
    for _ in range(runs):
        for c in commands:
            subprocess.run(prepare, shell=True, check=True)
            t, before = time.perf_counter(), os.times()
            subprocess.run(shlex.split(c), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            after = os.times()
            wall[c].append(time.perf_counter() - t)
            cpu[c].append(after.children_user - before.children_user
                          + after.children_system - before.children_system)
    print("| command | median wall | CPU (user + sys) | runs |")
    print("|---|---:|---:|---:|")
    for c in commands:
        print(f"| `{c}` | {statistics.median(wall[c]):.3f} s | {statistics.mean(cpu[c]):.3f} s | {runs} |")


if __name__ == "__main__":
    main()
