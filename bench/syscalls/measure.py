#!/usr/bin/env python3
"""Counts what a routing process does in the kernel per message, over each measured window of a
load-tester pass: system calls by type, context switches, wake-ups, and CPU split into user and
system time.

    measure.py --log PASS.out --name TARGET --phases open-500,open-2000,fanout-500 \
               --warmup 2 --window 8 --pids PID[,PID...] --out PASS-sys.json

It follows the load tester's output (PASS.out, `bench NAME: phase P, N rooms seated`): the tester's
window opens WARMUP s and 50 ms after that line. For each phase it attaches `perf stat` to every
thread of the processes beforehand (and `perf record`, for the CPU split) with its counters off,
turns them on half a second into the window and off half a second before its end (perf's control
fifo, so the counted span is known to a few milliseconds), and reads /proc at the same two moments. Messages are the load tester's
msgs/s for that window (sent plus received by clients, as bench/run.sh counts them) times the
counted span; the rate is fixed in an open loop, so the span need not be the tester's own.

Per thread: /proc/PID/task/TID/stat (CPU ticks), status (voluntary context switches: the thread
slept and was woken; involuntary: preempted). CPU is /proc/PID/stat's utime + stime of the window,
split into user and system time as `perf record`'s cpu-clock samples (999 Hz) fell: /proc's own split
of a few seconds is not meaningful (see cpu_sampler). Threads are grouped: "loops" (Netty's event
loops, comm multiThreadIoEv..., and nginx's processes), "io-wq" (the kernel's io_uring workers,
which belong to the process and whose CPU is its own) and "other" (Hazelcast, GC, JIT...). perf
counts syscalls only of threads that exist when it attaches; /proc counts every thread.
"""
import argparse
import json
import os
import re
import signal
import subprocess
import tempfile
import time

TICK_NS = 1_000_000_000 // os.sysconf("SC_CLK_TCK")
# The system calls counted one by one; raw_syscalls:sys_enter counts them all (the rest is "other").
SYSCALLS = [
    "read", "write", "readv", "writev", "recvfrom", "sendto", "recvmsg", "sendmsg",
    "epoll_wait", "epoll_pwait", "epoll_pwait2", "epoll_ctl", "io_uring_enter",
    "futex", "sched_yield", "nanosleep", "clock_nanosleep", "timerfd_settime",
    "accept4", "close", "madvise", "mprotect",
]
EVENTS = ["raw_syscalls:sys_enter", "context-switches"] + [f"syscalls:sys_enter_{s}" for s in SYSCALLS]


def group_of(comm, process_comm):
    if process_comm == "nginx" or comm.startswith("multiThreadIoEv"):
        return "loops"
    if comm.startswith("iou-wrk") or comm.startswith("iou-sqp"):
        return "io-wq"
    return "other"


def snapshot(pids):
    """Per thread (user ns, system ns, voluntary, involuntary, group), and per-process totals from /proc/PID/stat."""
    tasks, total_user, total_sys = {}, 0, 0
    for pid in pids:
        with open(f"/proc/{pid}/comm") as f:
            process_comm = f.read().strip()
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # Fields 14 and 15 (utime, stime) of the whole thread group, ended threads included.
        total_user += int(fields[11]) * TICK_NS
        total_sys += int(fields[12]) * TICK_NS
        base = f"/proc/{pid}/task"
        for tid in os.listdir(base):
            try:
                with open(f"{base}/{tid}/stat") as f:
                    comm_part, rest = f.read().rsplit(")", 1)
                comm = comm_part.split("(", 1)[1]
                tf = rest.split()
                vol = nonvol = 0
                with open(f"{base}/{tid}/status") as f:
                    for line in f:
                        if line.startswith("voluntary_ctxt_switches"):
                            vol = int(line.split()[1])
                        elif line.startswith("nonvoluntary_ctxt_switches"):
                            nonvol = int(line.split()[1])
                tasks[(pid, int(tid))] = (
                    int(tf[11]) * TICK_NS, int(tf[12]) * TICK_NS, vol, nonvol, group_of(comm, process_comm))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                pass  # the thread ended while we looked
    return tasks, total_user, total_sys


def diff(before, after):
    tasks0, user0, sys0 = before
    tasks1, user1, sys1 = after
    groups = {}
    for key, (u1, s1, v1, n1, group) in tasks1.items():
        u0, s0, v0, n0, _ = tasks0.get(key, (0, 0, 0, 0, group))
        g = groups.setdefault(group, {"threads": 0, "cpuNs": 0, "wakeups": 0, "preemptions": 0})
        g["threads"] += 1
        g["cpuNs"] += (u1 + s1) - (u0 + s0)
        g["wakeups"] += v1 - v0
        g["preemptions"] += n1 - n0
    return {"userNs": user1 - user0, "sysNs": sys1 - sys0, "groups": groups}


class Perf:
    """A perf command attached to the processes with its events off, switched through its control fifos."""

    def __init__(self, argv, folder, tag):
        self.ctl, self.ack = (os.path.join(folder, f"{tag}.{n}") for n in ("ctl", "ack"))
        for fifo in (self.ctl, self.ack):
            if os.path.exists(fifo):
                os.unlink(fifo)
            os.mkfifo(fifo)
        self.err = open(os.path.join(folder, f"{tag}.err"), "w+")
        self.proc = subprocess.Popen(
            argv[:2] + ["-D", "-1", "--control", f"fifo:{self.ctl},{self.ack}"] + argv[2:],
            stderr=self.err, stdout=subprocess.DEVNULL)
        self.ctl_w = open(self.ctl, "w")
        self.ack_r = open(self.ack, "r")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            self.err.seek(0)
            if "Events disabled" in self.err.read():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        self.err.seek(0)
        raise RuntimeError(f"{' '.join(argv[:2])} did not start: " + self.err.read())

    def command(self, word):
        self.ctl_w.write(word + "\n")
        self.ctl_w.flush()
        # perf writes "ack\n" with its C string's terminating NUL, which starts the next read.
        if self.ack_r.readline().strip("\0\n") != "ack":
            raise RuntimeError(f"perf did not acknowledge {word}")

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=60)
        self.ctl_w.close()
        self.ack_r.close()


def syscall_counter(pids, folder):
    out = os.path.join(folder, "stat.csv")
    return out, Perf(["perf", "stat", "-x", ",", "--per-thread", "-e", ",".join(EVENTS),
                      "-p", ",".join(map(str, pids)), "-o", out], folder, "stat")


def syscall_counts(out):
    """Syscall counts by name ('all', 'context-switches', 'sendto', ...) per thread group, from perf stat's CSV."""
    counts = {}
    with open(out) as f:
        for line in f:
            parts = line.strip().split(",")
            if len(parts) < 4 or line.startswith("#"):
                continue
            thread, value, event = parts[0], parts[1], parts[3]
            if not value.isdigit():
                continue  # <not counted>: the thread never ran while counting
            comm = thread.rsplit("-", 1)[0]
            # nginx's processes are named "nginx"; a JVM's threads by their own (cut) names.
            group = group_of(comm, "nginx" if comm == "nginx" else "")
            name = {"raw_syscalls:sys_enter": "all"}.get(event, event.replace("syscalls:sys_enter_", ""))
            g = counts.setdefault(group, {})
            g[name] = g.get(name, 0) + int(value)
    return counts


def cpu_sampler(pids, folder, out):
    """The kernel's user/system split of a few seconds is not to be had from /proc (cputime_adjust
    spreads a process's lifetime ratio over it and keeps both monotonic), and this machine has no
    PMU: so samples of cpu-clock, each in user or kernel mode, give the split of /proc's total."""
    return out, Perf(["perf", "record", "-e", "cpu-clock", "-g", "-F", "999", "-p", ",".join(map(str, pids)),
                      "-o", out], folder, "record")


def cpu_samples(out):
    """Samples in kernel and in user mode, per thread group."""
    script = subprocess.run(["perf", "script", "-G", "-i", out, "-F", "comm,ip"], capture_output=True, text=True,
                            timeout=300).stdout
    modes = {}
    for line in script.splitlines():
        parts = line.rsplit(None, 1)
        if len(parts) != 2:
            continue
        comm, ip = parts[0].strip(), parts[1]
        try:
            kernel = int(ip, 16) >= 0xffff800000000000
        except ValueError:
            continue
        g = modes.setdefault(group_of(comm, "nginx" if comm == "nginx" else ""), {"kernel": 0, "user": 0})
        g["kernel" if kernel else "user"] += 1
    return modes


def wait_for(path, pattern, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(path) as f:
                m = re.search(pattern, f.read(), re.M)
            if m:
                return m
        except FileNotFoundError:
            pass
        time.sleep(0.02)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--phases", required=True)
    ap.add_argument("--warmup", type=float, required=True)
    ap.add_argument("--window", type=float, required=True)
    ap.add_argument("--pids", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    pids = [int(p) for p in a.pids.split(",")]
    result = {"target": a.name, "pids": pids, "phases": {}}
    folder = tempfile.mkdtemp(prefix="syscalls-")
    for phase in a.phases.split(","):
        seated = wait_for(a.log, rf"^bench {re.escape(a.name)}: phase {re.escape(phase)}, .* seated", 600)
        if not seated:
            result["phases"][phase] = {"error": "the load tester never seated this phase"}
            break
        seen = time.monotonic()
        stat_out, stat = syscall_counter(pids, folder)
        # Kept beside the pass's JSON: `perf report -i FILE --sort sym` shows where the kernel time goes.
        record_out, record = cpu_sampler(pids, folder, a.out.removesuffix(".json") + f"-{phase}.perf.data")
        # Half a second inside the tester's window at each end.
        start_at = seen + 0.05 + a.warmup + 0.5
        time.sleep(max(0.0, start_at - time.monotonic()))
        before = snapshot(pids)
        stat.command("enable")
        record.command("enable")
        t0 = time.monotonic()
        time.sleep(max(0.5, a.window - 1.0))
        stat.command("disable")
        record.command("disable")
        seconds = time.monotonic() - t0
        after = snapshot(pids)
        if time.monotonic() - seen > 0.05 + a.warmup + a.window + 0.5:
            late = "the counted span ran past the tester's window (this process was descheduled)"
        else:
            late = None
        stat.stop()
        record.stop()
        proc = diff(before, after)
        samples = cpu_samples(record_out)
        kernel = sum(g["kernel"] for g in samples.values())
        total = kernel + sum(g["user"] for g in samples.values())
        cpu = proc["userNs"] + proc["sysNs"]
        # /proc's total CPU (precise), split as the samples fell.
        proc["kernelShare"] = kernel / total if total else None
        proc["userNs"], proc["sysNs"] = (cpu - cpu * kernel // total, cpu * kernel // total) if total else (cpu, 0)
        result["phases"][phase] = {
            "seconds": round(seconds, 3),
            "loadavg": open("/proc/loadavg").read().split()[:3],
            "syscalls": syscall_counts(stat_out),
            "cpuSamples": samples,
            "proc": proc,
            "problem": late,
        }
    for phase, figures in result["phases"].items():
        if "error" in figures:
            continue
        line = wait_for(a.log, rf"^bench {re.escape(a.name)}: {re.escape(phase)} moves/s=(\S+) msgs/s=(\S+)", 120)
        if line:
            figures["movesPerS"] = float(line.group(1))
            figures["msgsPerS"] = float(line.group(2))
            figures["messages"] = figures["msgsPerS"] * figures["seconds"]
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)
    for phase, p in result["phases"].items():
        if "messages" not in p:
            print(f"{a.name} {phase}: {p.get('error', 'no message count')}")
            continue
        n = p["messages"]
        calls = sum(g.get("all", 0) for g in p["syscalls"].values())
        cs = sum(g["wakeups"] for g in p["proc"]["groups"].values())
        print(f"{a.name} {phase}: {p['msgsPerS']:.0f} msgs/s, syscalls/msg {calls / n:.2f}, wake-ups/msg {cs / n:.3f}, "
              f"cpu us/msg user {p['proc']['userNs'] / 1e3 / n:.2f} sys {p['proc']['sysNs'] / 1e3 / n:.2f}"
              + (f" ({p['problem']})" if p.get("problem") else ""))


if __name__ == "__main__":
    main()
