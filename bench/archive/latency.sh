#!/usr/bin/env bash
# bench/archive/latency.sh — move latency with the archive on against off, side by side in one run.
#
# Two clusters of the same shape run at once (3 game nodes + 1 gateway each, same flags): "on"
# archives finished games to the embedded H2 default (a file in its folder), "off" runs with
# --archive-jdbc-url none. The load tester plays the same real games (the ones of data/pgn that end
# on the board, so every room finishes and is archived) through each in turn, open loop at a fixed
# pace, rotating the order over ROUNDS; the finished rooms of one pass are archived while the next
# passes run. Prints the move latency (p50, p99, p99.9) of each pass and of all passes per side.
# Only processes this script started are stopped, by pid.
#
# Knobs (environment): ROUNDS (3), GAMES (60 rooms per pass), PACE (ms between plies, 100).
# Output: bench/archive/runs/<timestamp>/ (pass reports as JSON, logs, latency.md).
set -euo pipefail
ROUNDS=${ROUNDS:-3}
GAMES=${GAMES:-60}
PACE=${PACE:-100}
JAVA=${JAVA:-java}
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
RUN="$ROOT/bench/archive/runs/$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$RUN"
# shellcheck source=../churn/cluster.sh
source "$ROOT/bench/churn/cluster.sh"
trap stop_started EXIT
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$RUN/run.log"; }

ensure_built
finishing_games "$RUN" "$GAMES"
log "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
# The same settings on both sides but the archive; a short finished grace so that rooms are
# archived (and leave the map) during the run.
SAME=(--finished-room-grace-seconds 5 --room-idle-unload 60 --archive-interval-ms 500)
start_cluster on "$RUN/on" "jdbc:h2:file:$RUN/on/roomgate-archive;AUTO_SERVER=TRUE" 3 "${SAME[@]}"
start_cluster off "$RUN/off" none 3 "${SAME[@]}"
log "archive on: gateway port $CLUSTER_on_GW_PORT; archive off: gateway port $CLUSTER_off_GW_PORT"

pass() { # round side
    local round=$1 side=$2 port
    port=$([[ $side == on ]] && echo "$CLUSTER_on_GW_PORT" || echo "$CLUSTER_off_GW_PORT")
    "$JAVA" -Xmx512m -jar "$ROOT/loadtest/target/roomgate-loadtest.jar" play-pgn --target "ws://127.0.0.1:$port/ws" \
        --games "$GAMES" --spectators 0 --pace "$PACE" --timeout-seconds 300 --room-prefix "lat-$round-$side" \
        --report "$RUN/round$round-$side" "$RUN/games.pgn" > "$RUN/round$round-$side.out" 2>&1 || true
    log "round $round archive $side: $(grep -m1 'latency moves' "$RUN/round$round-$side.out" | sed 's/^ *//')"
}
# An uncounted warm-up pass on each side (JIT), then the rounds in rotating order.
pass 0 on
pass 0 off
for round in $(seq 1 "$ROUNDS"); do
    if ((round % 2)); then pass "$round" on; pass "$round" off; else pass "$round" off; pass "$round" on; fi
done
python3 - "$RUN" "$ROUNDS" <<'PY' | tee "$RUN/latency.md"
import json, sys
run, rounds = sys.argv[1], int(sys.argv[2])
print("| round | archive | moves | p50 ms | p99 ms | p99.9 ms | passed |")
print("|---|---|---|---|---|---|---|")
p99 = {"on": [], "off": []}
for r in range(1, rounds + 1):
    for side in ("on", "off"):
        d = json.load(open(f"{run}/round{r}-{side}.json"))
        m = d["latency"]["moves"]
        p99[side].append(m["p99Ms"])
        print(f"| {r} | {side} | {m['count']} | {m['p50Ms']:.1f} | {m['p99Ms']:.1f} | {m['p999Ms']:.1f} | {d['passed']} |")
on, off = sorted(p99["on"])[len(p99["on"]) // 2], sorted(p99["off"])[len(p99["off"]) // 2]
print()
print(f"median of the rounds' p99: archive on {on:.1f} ms, off {off:.1f} ms, on/off = {on / off:.3f}")
# Whether 10% can be told apart at all: the spread of one side's p99 over its own rounds is the noise.
spread = max(max(v) / min(v) for v in p99.values())
print(f"p99 over the rounds: on {min(p99['on']):.1f}-{max(p99['on']):.1f} ms, off {min(p99['off']):.1f}-{max(p99['off']):.1f} ms;"
      f" largest max/min on one side {spread:.2f}: "
      + ("a 10% difference is within that noise, not resolved by this run" if spread > 1.10
         else ("within 10%" if on <= off * 1.10 else "NOT within 10%")))
PY
