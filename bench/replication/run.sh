#!/usr/bin/env bash
# bench/replication/run.sh — what storing every move in the cluster costs, measured side by side.
#
# Starts the local cluster (deploy/local/roomgate.sh: NODES game nodes + one gateway) twice per round,
# once with replicated rooms (the default: every event appended to the Hazelcast map, one
# synchronous backup, before anyone hears of it) and once with --durability memory (the same code,
# the log kept in the node's JVM), and plays the same real games through each (loadtest play-pgn:
# GAMES rooms x (2 players + SPECTATORS), at each PACE in ms between plies). Latency = a move's due
# time -> seen by every participant (HdrHistogram, open loop). The order alternates per round.
# Prints a table of p50/p99/max and moves/s per pace and durability, and the ratios.
#
# Only the processes roomgate.sh starts are stopped (by pid, by roomgate.sh down); loopback only.
# Knobs (environment): ROUNDS (2), GAMES (30), SPECTATORS (2), PACES ("250 50"), NODES (3),
# PGN (data/pgn/tatamast22.pgn).
set -euo pipefail

ROUNDS=${ROUNDS:-2}
GAMES=${GAMES:-30}
SPECTATORS=${SPECTATORS:-2}
PACES=${PACES:-"250 50"}
NODES=${NODES:-3}
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
PGN=${PGN:-$ROOT/data/pgn/tatamast22.pgn}
LAUNCHER="$ROOT/deploy/local/roomgate.sh"
LOADTEST_JAR="$ROOT/loadtest/target/roomgate-loadtest.jar"
RUN="$ROOT/bench/runs/replication-$(date -u +%Y%m%d-%H%M%S)"
PORT=${PORT:-18180}
HZ_PORT=${HZ_PORT:-16950}
mkdir -p "$RUN"

up=0
cleanup() { [[ $up == 1 ]] && "$LAUNCHER" down >/dev/null 2>&1 || true; }
trap cleanup EXIT

[[ -f "$LOADTEST_JAR" ]] || (cd "$ROOT" && mvn -B -q -DskipTests package)
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cpus; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "workload: $GAMES games from $(basename "$PGN") x (2 players + $SPECTATORS spectators), paces: $PACES ms, $NODES nodes, $ROUNDS rounds"
} | tee "$RUN/summary.txt"

for round in $(seq 1 "$ROUNDS"); do
    order="replicated memory"
    (( round % 2 == 0 )) && order="memory replicated"
    for durability in $order; do
        ROOMGATE_DURABILITY=$durability "$LAUNCHER" up --nodes "$NODES" --port "$PORT" \
            --cluster-name "replbench-$$-$round-$durability" --hz-port "$HZ_PORT" > "$RUN/up-$round-$durability.log"
        up=1
        step=0
        for pace in $PACES; do
            # A prefix per step: a pace given twice must play new rooms, not the finished games.
            step=$((step + 1))
            out="$RUN/$durability-pace$pace-round$round-step$step"
            java -jar "$LOADTEST_JAR" play-pgn "$PGN" --games "$GAMES" --spectators "$SPECTATORS" --pace "$pace" \
                --room-prefix "r$round-$durability-$step" --target "ws://127.0.0.1:$PORT/ws" --report "$out" > "$out.txt" 2>&1 \
                || echo "play-pgn failed: see $out.txt"
            line=$(grep 'latency moves' "$out.txt" | head -1)
            rate=$(grep 'movesPerSecond' "$out.txt" | awk '{print $2}')
            printf 'round %s %-10s pace %4s ms: %s moves/s, %s\n' "$round" "$durability" "$pace" "$rate" "$line" \
                | tee -a "$RUN/results.txt"
        done
        "$LAUNCHER" down > /dev/null
        up=0
    done
done

# Medians over rounds of p50 and p99 per pace and durability, and replicated/memory.
echo | tee -a "$RUN/summary.txt"
awk '
    { for (i = 1; i <= NF; i++) { if ($i ~ /^p50=/) p50 = substr($i, 5) + 0; if ($i ~ /^p99=/) p99 = substr($i, 5) + 0 }
      key = $5 " " $3; n[key]++; s50[key, n[key]] = p50; s99[key, n[key]] = p99; rate[key, n[key]] = $7 }
    function median(arr, key, k,    vals, i, j, t) {
        for (i = 1; i <= k; i++) vals[i] = arr[key, i]
        for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (vals[j] < vals[i]) { t = vals[i]; vals[i] = vals[j]; vals[j] = t }
        return k % 2 ? vals[(k + 1) / 2] : (vals[k / 2] + vals[k / 2 + 1]) / 2
    }
    END {
        printf "%-6s %-10s %10s %10s %10s\n", "pace", "durability", "moves/s", "p50 ms", "p99 ms"
        for (key in n) { split(key, kp, " "); paces[kp[1]] = 1 }
        for (p in paces) {
            for (d = 1; d <= 2; d++) {
                dur = d == 1 ? "replicated" : "memory"; key = p " " dur
                if (!(key in n)) continue
                m50[dur] = median(s50, key, n[key]); m99[dur] = median(s99, key, n[key])
                printf "%-6s %-10s %10.1f %10.2f %10.2f\n", p, dur, median(rate, key, n[key]), m50[dur], m99[dur]
            }
            if (m50["memory"] > 0) printf "%-6s replicated/memory: p50 x%.2f, p99 x%.2f\n", p, m50["replicated"] / m50["memory"], m99["replicated"] / m99["memory"]
        }
    }' "$RUN/results.txt" | tee -a "$RUN/summary.txt"
echo "runs: $RUN"
