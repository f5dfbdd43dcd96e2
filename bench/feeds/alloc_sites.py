#!/usr/bin/env python3
"""Top allocation sites by bytes in a JFR recording (jdk.ObjectAllocationSample, settings=profile).

    bench/feeds/alloc_sites.py RECORDING.jfr [TOP]

Prints the sampled bytes by thread (digits folded) and by site: the class allocated, the frame
that allocated it and the first caller outside java.* / jdk.* / sun.* (the JDK frame alone says
little: Arrays.copyOf is everybody's). Weights are JFR's estimate of the bytes each sample stands
for, so the shares are what matters, not the absolute sums.
"""
import collections
import json
import re
import shutil
import subprocess
import sys


def frame_name(frame):
    method = frame["method"]
    return method["type"]["name"].replace("/", ".") + "." + method["name"]


def site(stack):
    frames = (stack or {}).get("frames") or []
    if not frames:
        return "?"
    top = frame_name(frames[0])
    for frame in frames:
        name = frame_name(frame)
        if not name.startswith(("java.", "jdk.", "sun.")):
            return top if name == top else top + " <- " + name
    return top


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    jfr = shutil.which("jfr") or "jfr"
    out = subprocess.run(
        [jfr, "print", "--json", "--stack-depth", "64", "--events", "jdk.ObjectAllocationSample", sys.argv[1]],
        check=True, capture_output=True, text=True).stdout
    events = json.loads(out)["recording"]["events"]
    by_site = collections.Counter()
    by_thread = collections.Counter()
    total = 0
    for event in events:
        values = event["values"]
        weight = values["weight"]
        total += weight
        cls = values["objectClass"]["name"].replace("/", ".")
        by_site[cls + "  " + site(values.get("stackTrace"))] += weight
        thread = (values.get("eventThread") or {}).get("javaName") or "?"
        by_thread[re.sub(r"\d+", "#", thread)] += weight
    print(f"{len(events)} samples, {total / 1e6:.1f} MB estimated")
    print("\nby thread:")
    for name, weight in by_thread.most_common(8):
        print(f"{100 * weight / total:6.1f}%  {name}")
    print("\nby site (class, allocating frame <- first caller outside the JDK):")
    for name, weight in by_site.most_common(top):
        print(f"{100 * weight / total:6.1f}%  {name}")


if __name__ == "__main__":
    main()
