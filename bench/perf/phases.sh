#!/usr/bin/env bash
# bench/perf/phases.sh — records `perf` samples of a routing process (the gateway JVM, or nginx's
# master and workers) during each measured phase of one load-tester pass, one perf.data per phase.
#
#   bench/perf/phases.sh PASS_OUT PIDS DIR
#
# PASS_OUT: the load tester's output file of the pass (it prints "phase NAME, ... seated" when a
# phase begins and "NAME moves/s=..." when its measured window ends); PIDS: comma-separated; DIR:
# where DIR/NAME.perf go. Runs until the pass prints its final PASSED/FAILED line, until it is sent
# SIGTERM (bench/run.sh does so when the load tester exits, which may have failed mid-phase), or 15 min.
# Started by bench/run.sh with PERF=1; summarised by bench/perf/split.py. Stops only the perf
# processes it started, by pid.
set -uo pipefail
out=$1 pids=$2 dir=$3
mkdir -p "$dir"
perf_pid=""
stop_perf() { [[ -n $perf_pid ]] && kill -INT "$perf_pid" 2>/dev/null && wait "$perf_pid" 2>/dev/null; perf_pid=""; }
trap stop_perf EXIT
trap 'exit 0' TERM INT
deadline=$((SECONDS + 900))
seen=0
until [[ -f $out ]] || ((SECONDS > deadline)); do sleep 0.1; done
while ((SECONDS < deadline)); do
    mapfile -t lines < <(tail -n +"$((seen + 1))" "$out" 2>/dev/null)
    for line in "${lines[@]}"; do
        seen=$((seen + 1))
        if [[ $line =~ phase\ ([a-z0-9-]+), ]]; then
            stop_perf
            # 499 Hz (not a multiple of the kernel's tick) and call chains, so that split.py can tell
            # the peer's receive work (softirq under our own send) from the rest of the kernel.
            perf record -q -F 499 -g -p "$pids" -o "$dir/${BASH_REMATCH[1]}.perf" > /dev/null 2>&1 &
            perf_pid=$!
        elif [[ $line =~ :\ ([a-z0-9-]+)\ moves/s= ]]; then
            stop_perf
        elif [[ $line =~ (PASSED|FAILED) ]]; then
            exit 0
        fi
    done
    sleep 0.05
done
