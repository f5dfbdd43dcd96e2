#!/usr/bin/env python3
"""Samples what JVM processes cost while they sit (nearly) idle, over one window, all at once.

    sample.py SECONDS OUT.json NAME=PID [NAME=PID ...]

For each process, per thread (/proc/PID/task/TID): CPU time from schedstat (nanoseconds, not the
10 ms ticks of /proc/PID/stat), voluntary context switches (the thread blocked and was woken again:
a wake-up) and involuntary ones (preempted). Threads are named from `jcmd PID Thread.print` (the
kernel's comm is cut at 15 characters, too short for Hazelcast's names), taken before the window so
that the safepoint it needs is not counted, and grouped by name with the instance name and the
trailing number taken out ("hz.roomgate-gw-a.IO.thread-in-2" -> "hz.IO.thread-in-#"). A thread that
ends inside the window loses its share (the process's total from /proc/PID/stat is printed beside).
Every process is sampled over the same window, so the figures of several compare under one load.
The CPU of the JIT compiler threads is also given apart: on a loaded machine they work through
their queue for minutes after a warm-up, which is start-up cost, not idle cost.
"""
import json
import os
import re
import subprocess
import sys
import time

JCMD = os.path.join(os.environ.get("JAVA_HOME", ""), "bin", "jcmd") if os.environ.get("JAVA_HOME") else "jcmd"
TICK_NS = 1_000_000_000 // os.sysconf("SC_CLK_TCK")


def thread_names(pid):
    """tid -> full thread name, from jcmd (Java and VM threads alike)."""
    out = subprocess.run([JCMD, str(pid), "Thread.print"], capture_output=True, text=True, timeout=60).stdout
    names = {}
    for line in out.splitlines():
        m = re.match(r'^"(.*)" .*nid=(0x[0-9a-f]+|\d+)', line)
        if m:
            nid = m.group(2)
            names[int(nid, 16) if nid.startswith("0x") else int(nid)] = m.group(1)
    return names


def group_of(name):
    name = re.sub(r"^hz\.[^.]+\.", "hz.", name)          # Hazelcast: drop the instance name
    name = re.sub(r"#?\d+$", "#", name)                  # trailing thread number
    name = re.sub(r"-\d+-\d+$", "-#", name)              # Netty's factory names: prefix-POOL-N
    return name


def snapshot(pid):
    tasks = {}
    base = f"/proc/{pid}/task"
    for tid in os.listdir(base):
        try:
            with open(f"{base}/{tid}/schedstat") as f:
                run_ns = int(f.read().split()[0])
            vol = nonvol = 0
            with open(f"{base}/{tid}/status") as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches"):
                        vol = int(line.split()[1])
                    elif line.startswith("nonvoluntary_ctxt_switches"):
                        nonvol = int(line.split()[1])
            with open(f"{base}/{tid}/comm") as f:
                comm = f.read().strip()
            tasks[int(tid)] = (run_ns, vol, nonvol, comm)
        except (FileNotFoundError, ProcessLookupError, IndexError):
            pass  # the thread ended while we looked
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    return tasks, ticks * TICK_NS


def main():
    seconds = float(sys.argv[1])
    out_path = sys.argv[2]
    procs = [(a.split("=", 1)[0], int(a.split("=", 1)[1])) for a in sys.argv[3:]]
    names = {name: thread_names(pid) for name, pid in procs}
    start = {}
    t0 = time.monotonic()
    for name, pid in procs:
        start[name] = snapshot(pid)
    time.sleep(seconds)
    end = {}
    for name, pid in procs:
        end[name] = snapshot(pid)
    elapsed = time.monotonic() - t0
    result = {"seconds": round(elapsed, 3), "loadavg": open("/proc/loadavg").read().split()[:3], "processes": {}}
    for name, pid in procs:
        (tasks0, total0), (tasks1, total1) = start[name], end[name]
        groups = {}
        cpu = vol = nonvol = 0
        for tid, (run1, vol1, nonvol1, comm) in tasks1.items():
            run0, vol0, nonvol0, _ = tasks0.get(tid, (0, 0, 0, comm))
            d_run, d_vol, d_nonvol = run1 - run0, vol1 - vol0, nonvol1 - nonvol0
            cpu, vol, nonvol = cpu + d_run, vol + d_vol, nonvol + d_nonvol
            g = groups.setdefault(group_of(names[name].get(tid, comm)), {"threads": 0, "cpuMsPerS": 0.0, "wakeupsPerS": 0.0})
            g["threads"] += 1
            g["cpuMsPerS"] += d_run / 1e6 / elapsed
            g["wakeupsPerS"] += d_vol / elapsed
        for g in groups.values():
            g["cpuMsPerS"] = round(g["cpuMsPerS"], 3)
            g["wakeupsPerS"] = round(g["wakeupsPerS"], 1)
        jit = sum(g["cpuMsPerS"] for k, g in groups.items() if "CompilerThread" in k)
        result["processes"][name] = {
            "pid": pid,
            "threads": len(tasks1),
            "cpuMsPerS": round(cpu / 1e6 / elapsed, 3),
            # The JIT compilers finish their queue long after a warm-up on a loaded machine: what
            # remains is the steady cost.
            "cpuMsPerSWithoutJit": round(cpu / 1e6 / elapsed - jit, 3),
            "cpuMsPerSFromStat": round((total1 - total0) / 1e6 / elapsed, 1),
            "wakeupsPerS": round(vol / elapsed, 1),
            "preemptionsPerS": round(nonvol / elapsed, 1),
            "groups": dict(sorted(groups.items(), key=lambda kv: -kv[1]["cpuMsPerS"])),
        }
    with open(out_path, "w") as f:
        json.dump(result, f, indent=1)
    for name, p in result["processes"].items():
        print(f"{name}: cpu {p['cpuMsPerS']:.2f} ms/s (stat {p['cpuMsPerSFromStat']}, without JIT {p['cpuMsPerSWithoutJit']:.2f}), wake-ups {p['wakeupsPerS']}/s, "
              f"preempted {p['preemptionsPerS']}/s, {p['threads']} threads")


if __name__ == "__main__":
    main()
