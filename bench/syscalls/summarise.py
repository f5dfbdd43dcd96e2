#!/usr/bin/env python3
"""Tables of bench/syscalls/run.sh: per workload and target, medians over the rounds (min-max) of
system calls, wake-ups and CPU per message, and the system calls by type.

    summarise.py RUN_FOLDER BASELINE TARGET [TARGET ...]

Ratios are each target's median over BASELINE's (nginx).
"""
import glob
import json
import os
import statistics
import sys


def per_message(phase):
    n = phase["messages"]
    groups = phase["proc"]["groups"]
    loops = groups.get("loops", {})
    calls = phase["syscalls"]
    by_type = {}
    for g in calls.values():
        for name, count in g.items():
            by_type[name] = by_type.get(name, 0) + count
    total = by_type.pop("all", 0)
    switches = by_type.pop("context-switches", 0)
    named = sum(by_type.values())
    by_type["other"] = total - named
    return {
        "msgs/s": phase["msgsPerS"],
        "syscalls/msg": total / n,
        "loop syscalls/msg": calls.get("loops", {}).get("all", 0) / n,
        "wake-ups/msg": sum(g["wakeups"] for g in groups.values()) / n,
        "loop wake-ups/msg": loops.get("wakeups", 0) / n,
        "context switches/msg": switches / n,
        "CPU us/msg": (phase["proc"]["userNs"] + phase["proc"]["sysNs"]) / 1e3 / n,
        "user us/msg": phase["proc"]["userNs"] / 1e3 / n,
        "system us/msg": phase["proc"]["sysNs"] / 1e3 / n,
        "system share": phase["proc"]["sysNs"] / max(1, phase["proc"]["userNs"] + phase["proc"]["sysNs"]),
        "by type": {k: v / n for k, v in by_type.items()},
    }


def fmt(values, digits):
    med = statistics.median(values)
    if len(values) == 1:
        return f"{med:.{digits}f}"
    return f"{med:.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def main():
    run, baseline, targets = sys.argv[1], sys.argv[2], sys.argv[3:]
    figures = {}  # phase -> target -> list of per_message dicts
    loads = []
    for path in sorted(glob.glob(os.path.join(run, "r[0-9]*-*-sys.json"))):
        with open(path) as f:
            data = json.load(f)
        for phase, p in data["phases"].items():
            if "messages" not in p or p["messages"] <= 0:
                continue
            figures.setdefault(phase, {}).setdefault(data["target"], []).append(per_message(p))
            loads.append(float(p["loadavg"][0]))
    metrics = [("msgs/s", 0), ("syscalls/msg", 2), ("loop syscalls/msg", 2), ("wake-ups/msg", 3),
               ("loop wake-ups/msg", 3), ("context switches/msg", 3), ("CPU us/msg", 1), ("user us/msg", 1),
               ("system us/msg", 1), ("system share", 2)]
    print("| workload | metric | " + " | ".join(targets) + " | "
          + " | ".join(f"{t}/{baseline}" for t in targets if t != baseline) + " |")
    print("|---|---|" + "---|" * (len(targets) + len(targets) - 1))
    for phase, by_target in figures.items():
        for i, (metric, digits) in enumerate(metrics):
            cells, medians = [], {}
            for t in targets:
                values = [r[metric] for r in by_target.get(t, [])]
                cells.append(fmt(values, digits) if values else "-")
                medians[t] = statistics.median(values) if values else None
            ratios = []
            for t in targets:
                if t == baseline:
                    continue
                b, v = medians.get(baseline), medians.get(t)
                ratios.append(f"{v / b:.2f}" if b and v is not None and metric != "msgs/s" else "")
            print(f"| {phase if i == 0 else ''} | {metric} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
    print()
    print("System calls by type per message (medians over the rounds; types under 0.01/msg everywhere left out):")
    print()
    for phase, by_target in figures.items():
        names = set()
        for rounds in by_target.values():
            for r in rounds:
                names.update(k for k, v in r["by type"].items() if v >= 0.01)
        names = sorted(names, key=lambda k: -max(
            statistics.median([r["by type"].get(k, 0) for r in rounds]) for rounds in by_target.values()))
        print(f"| {phase} | " + " | ".join(names) + " |")
        print("|---|" + "---|" * len(names))
        for t in targets:
            rounds = by_target.get(t, [])
            if not rounds:
                continue
            print(f"| {t} | " + " | ".join(
                f"{statistics.median([r['by type'].get(k, 0) for r in rounds]):.2f}" for k in names) + " |")
        print()
    if loads:
        print(f"load average (1 min) during the counted windows: {min(loads):.1f}-{max(loads):.1f}")


if __name__ == "__main__":
    main()
