#!/usr/bin/env python3
"""bench/perf/split.py RUN_DIR — splits each routing process's CPU per message into what it spends for
itself and what loopback makes it spend for its peer.

On loopback a sender's send() runs the receiving side's TCP input in its own context (the softirq
under net_rx_action: the peer's socket is filled and the peer woken up). Between two hosts that work
runs on the receiving host. So per phase and target, from bench/perf/phases.sh's samples:
  peer rx   samples whose stack passes through net_rx_action (the peer's receive work)
  kernel    the rest of the kernel (own system calls, scheduling, epoll)
  JVM/user  user-mode code (nginx, or the JVM: JIT-compiled code, the VM, the JIT compilers, GC)
and the same in µs per message, from the pass's routing CPU per message (/proc/PID/stat).
Prints a Markdown table; needs perf.
"""
import collections
import glob
import json
import os
import re
import subprocess
import sys

PEER_RX = ("net_rx_action",)


def classify(perf_file):
    """Counts of samples by class, from perf script's call chains."""
    counts = collections.Counter()
    script = subprocess.run(
        ["perf", "script", "-i", perf_file, "-F", "comm,ip,sym,dso"],
        capture_output=True, text=True, check=False).stdout
    for block in script.split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        comm = lines[0].strip()
        frames = lines[1:]
        if not frames:
            continue
        top = frames[0]
        if any(name in frame for frame in frames for name in PEER_RX):
            counts["peer rx"] += 1
        elif "[kernel.kallsyms]" in top:
            counts["kernel"] += 1
        else:
            counts["user"] += 1
        if "Compiler" in comm:
            counts["jit compilers"] += 1
        counts["all"] += 1
    return counts


def routing_cpu(pass_prefix):
    """Routing CPU µs per message by phase: from the pass's JSON report, or from its output's phase
    lines when the pass failed before writing the report."""
    if os.path.exists(pass_prefix + ".json"):
        phases = json.load(open(pass_prefix + ".json"))["phases"]
        return {name: phase.get("routingCpuMicrosPerMessage") for name, phase in phases.items()}
    found = {}
    if os.path.exists(pass_prefix + ".out"):
        for line in open(pass_prefix + ".out"):
            match = re.search(r": ([a-z0-9-]+) moves/s=.* routing-cpu=([0-9.]+)us/msg", line)
            if match:
                found[match.group(1)] = float(match.group(2))
    return found


def main(run):
    rows = []
    for d in sorted(glob.glob(os.path.join(run, "perf", "round*-*"))):
        target_round = os.path.basename(d)
        phases = routing_cpu(d.replace(os.path.join("perf", ""), ""))
        for f in sorted(glob.glob(os.path.join(d, "*.perf"))):
            phase = os.path.basename(f)[:-5]
            c = classify(f)
            if not c["all"]:
                continue
            us = phases.get(phase)
            share = {k: c[k] / c["all"] for k in ("peer rx", "kernel", "user", "jit compilers")}
            rows.append((phase, target_round, c["all"], share, us))
    print("| phase | pass | samples | peer rx % | own kernel % | user % (JIT compilers) | routing µs/msg | of which peer rx | own kernel | user |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for phase, tr, n, s, us in sorted(rows):
        cols = [f"{100 * s['peer rx']:.0f}", f"{100 * s['kernel']:.0f}",
                f"{100 * s['user']:.0f} ({100 * s['jit compilers']:.0f})"]
        if us is None:
            money = ["-"] * 4
        else:
            money = [f"{us:.2f}", f"{us * s['peer rx']:.2f}", f"{us * s['kernel']:.2f}", f"{us * s['user']:.2f}"]
        print(f"| {phase} | {tr} | {n} | " + " | ".join(cols + money) + " |")


if __name__ == "__main__":
    main(sys.argv[1])
