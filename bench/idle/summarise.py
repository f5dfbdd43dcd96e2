#!/usr/bin/env python3
"""Prints bench/idle/run.sh's summary (Markdown): medians of the rounds per gateway variant, with
min-max, each variant's ratio to the first, and the threads by name group in the idle windows.

    summarise.py RUN_DIR RATE NAME [NAME ...]
"""
import glob
import json
import os
import statistics
import sys

run, rate, names = sys.argv[1], sys.argv[2], sys.argv[3:]


def load(path):
    with open(path) as f:
        return json.load(f)


def per_round(pattern, name):
    """The process figures of `name` in every window file matching pattern."""
    out = []
    for path in sorted(glob.glob(os.path.join(run, pattern))):
        procs = load(path)["processes"]
        if name in procs:
            out.append(procs[name])
    return out


def fmt(values, digits=1):
    if not values:
        return "-"
    med = statistics.median(values)
    if len(values) == 1:
        return f"{med:.{digits}f}"
    return f"{med:.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def ratio(values, first):
    if not values or not first or statistics.median(first) == 0:
        return ""
    return f"{statistics.median(values) / statistics.median(first):.2f}"


rows = []  # (label, {name: values}, digits)
for label, pattern, key, digits in [
    ("idle, no clients: CPU ms/s", "idle-r*.json", "cpuMsPerS", 2),
    ("idle, no clients: CPU ms/s without the JIT compilers", "idle-r*.json", "cpuMsPerSWithoutJit", 2),
    ("idle, no clients: wake-ups/s", "idle-r*.json", "wakeupsPerS", 0),
    ("idle, no clients: threads", "idle-r*.json", "threads", 0),
    ("idle connections: CPU ms/s", "conns-r*.json", "cpuMsPerS", 2),
    ("idle connections: CPU ms/s without the JIT compilers", "conns-r*.json", "cpuMsPerSWithoutJit", 2),
    ("idle connections: wake-ups/s", "conns-r*.json", "wakeupsPerS", 0),
]:
    rows.append((label, {n: [p[key] for p in per_round(pattern, n) if key in p] for n in names}, digits))

load_rows = {"msgs/s": {}, "CPU µs/msg (load tester, /proc/PID/stat)": {}, "CPU ms/s (sampler)": {},
             "CPU µs/msg (sampler)": {}, "wake-ups/s": {}, "wake-ups per message": {}, "threads": {}}
for n in names:
    for k in load_rows:
        load_rows[k][n] = []
    load_rows.setdefault("CPU ms/s without the JIT compilers (sampler)", {})[n] = []
    for report in sorted(glob.glob(os.path.join(run, f"load-r*-{n}.json"))):
        sample_path = report[:-5] + "-sample.json"
        phase = load(report).get("phases", {}).get(f"open-{rate}")
        if not phase or not os.path.exists(sample_path):
            continue
        sample = load(sample_path)["processes"][n]
        msgs = phase["messagesPerSecond"]
        load_rows["msgs/s"][n].append(msgs)
        if phase.get("routingCpuMicrosPerMessage") is not None:
            load_rows["CPU µs/msg (load tester, /proc/PID/stat)"][n].append(phase["routingCpuMicrosPerMessage"])
        load_rows["CPU ms/s (sampler)"][n].append(sample["cpuMsPerS"])
        load_rows["CPU µs/msg (sampler)"][n].append(sample["cpuMsPerS"] * 1000 / msgs)
        if "cpuMsPerSWithoutJit" in sample:
            load_rows["CPU ms/s without the JIT compilers (sampler)"][n].append(sample["cpuMsPerSWithoutJit"])
        load_rows["wake-ups/s"][n].append(sample["wakeupsPerS"])
        load_rows["wake-ups per message"][n].append(sample["wakeupsPerS"] / msgs)
        load_rows["threads"][n].append(sample["threads"])
digits = {"msgs/s": 0, "wake-ups/s": 0, "threads": 0, "wake-ups per message": 2}
for k, v in load_rows.items():
    rows.append((f"{rate} moves/s: {k}", v, digits.get(k, 1)))

print(f"# Gateway idle cost ({os.path.basename(run)})\n")
print("Medians of the rounds (min-max); ratio: the variant's median over the first variant's.\n")
header = "| figure | " + " | ".join(names) + " | " + " | ".join(f"{n}/{names[0]}" for n in names[1:]) + " |"
print(header)
print("|---|" + "---|" * len(names) + "---:|" * (len(names) - 1))
for label, vals, d in rows:
    cells = [fmt(vals[n], d) for n in names]
    ratios = [ratio(vals[n], vals[names[0]]) for n in names[1:]]
    print(f"| {label} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")

# Threads by group, from the last idle window and the last idle-connections window.
for title, pattern in [("idle, no clients", "idle-r*.json"), ("idle connections", "conns-r*.json")]:
    files = sorted(glob.glob(os.path.join(run, pattern)))
    if not files:
        continue
    procs = load(files[-1])["processes"]
    groups = sorted({g for n in names if n in procs for g in procs[n]["groups"]},
                    key=lambda g: -max(procs[n]["groups"].get(g, {}).get("cpuMsPerS", 0) for n in names if n in procs))
    print(f"\n**Threads by name group, {title}** ({os.path.basename(files[-1])}: threads / CPU ms/s / wake-ups/s)\n")
    print("| group | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for g in groups:
        cells = []
        for n in names:
            x = procs.get(n, {}).get("groups", {}).get(g)
            cells.append("-" if x is None else f"{x['threads']} / {x['cpuMsPerS']:.2f} / {x['wakeupsPerS']:.0f}")
        print(f"| {g} | " + " | ".join(cells) + " |")

print()
with open(os.path.join(run, "machine.txt")) as f:
    print("```\n" + f.read().strip() + "\n```")
