#!/usr/bin/env bash
# bench/churn/run.sh — the churn soak: finished games through a 3-node cluster (gateway + 3 nodes,
# archive on, embedded H2 file in the run folder) for MINUTES, sampled over time.
#
# The games are the ones of data/pgn that end on the board (the system tests' FinishingGames): a
# room finishes by itself only on mate or stalemate, and only a finished room is archived and leaves
# the cluster. The load tester plays them in batches (play-pgn, BATCH games at once, closed loop,
# no spectators), each batch in new rooms, until MINUTES have passed. Every SAMPLE seconds, for each
# node: a full GC (jcmd GC.run), then from its /metrics the heap used after it (G1 old generation), the rooms in its memory, the
# entries of the rooms map and the archive backlog it owns; plus the games archived so far.
# At the end every game of every batch that play-pgn passed (each participant saw each move it was
# acknowledged) is read back from GET /games/ROOM and compared move for move (UCI) with what was
# played. Only processes this script started are stopped, by pid.
#
# Knobs (environment): MINUTES (20), BATCH (100), SAMPLE (30), GRACE (finished-room grace, 30 s),
# IDLE (room idle unload, 60 s), GAMES (stop once this many games have passed; 0: MINUTES alone).  Output: bench/churn/runs/<timestamp>/ (series.tsv, series.svg,
# check.txt, logs); the table is printed.
set -euo pipefail
MINUTES=${MINUTES:-20}
GAMES=${GAMES:-0}
BATCH=${BATCH:-100}
SAMPLE=${SAMPLE:-30}
GRACE=${GRACE:-30}
IDLE=${IDLE:-60}
JAVA=${JAVA:-java}
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
RUN="$ROOT/bench/churn/runs/$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$RUN"
# shellcheck source=cluster.sh
source "$ROOT/bench/churn/cluster.sh"
trap stop_started EXIT
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$RUN/run.log"; }

ensure_built
finishing_games "$RUN" "$BATCH"
log "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
start_cluster churn "$RUN/cluster" "jdbc:h2:file:$RUN/cluster/roomgate-archive;AUTO_SERVER=TRUE" 3 \
    --finished-room-grace-seconds "$GRACE" --room-idle-unload "$IDLE" --archive-interval-ms 500
GW=$CLUSTER_churn_GW_PORT
read -r -a PIDS <<< "$CLUSTER_churn_NODE_PIDS"
read -r -a METRICS <<< "$CLUSTER_churn_METRICS"
log "cluster up: gateway port $GW, node pids ${PIDS[*]}, metrics ports ${METRICS[*]}"

# metric NAME_REGEX PORT: the sum of the samples of a metric on one node.
metric() {
    curl -fs "http://127.0.0.1:$2/metrics" | awk -v re="$1" '$0 ~ re && $0 !~ /^#/ { s += $NF } END { printf "%d\n", s }'
}

START=$(date +%s)
sample() {
    local t i line played=0 archived=0
    t=$(( $(date +%s) - START ))
    played=$(cat "$RUN/played" 2>/dev/null || echo 0)
    line="$t"$'\t'"$played"
    for i in "${!PIDS[@]}"; do
        jcmd "${PIDS[$i]}" GC.run > /dev/null 2>&1 || true
        local port=${METRICS[$i]}
        # After a full GC (G1: System.gc() is a full, compacting collection) the live heap is all in the
        # old generation; eden refills within milliseconds under load, so it is left out.
        line+=$'\t'"$(metric '^jvm_memory_used_bytes\{.*id="G1 Old Gen"' "$port")"
        line+=$'\t'"$(metric '^roomgate_node_rooms(\{|$)' "$port")"
        line+=$'\t'"$(metric '^roomgate_hazelcast_map_entries\{.*map="roomgate.rooms"' "$port")"
        line+=$'\t'"$(metric '^roomgate_hazelcast_map_entries\{.*map="roomgate.archive-queue"' "$port")"
        archived=$((archived + $(metric '^roomgate_archive_rows_written_total' "$port")))
    done
    line+=$'\t'"$archived"
    echo "$line" >> "$RUN/series.tsv"
}
printf 'seconds\tplayed' > "$RUN/series.tsv"
for i in "${!PIDS[@]}"; do n=$((i + 1)); printf '\theap%d\trooms%d\trecords%d\tbacklog%d' $n $n $n $n >> "$RUN/series.tsv"; done
printf '\tarchived\n' >> "$RUN/series.tsv"

echo 0 > "$RUN/played"
(
    while sleep "$SAMPLE"; do sample; done
) &
SAMPLER=$!
STARTED+=($SAMPLER)
sample

END=$((START + MINUTES * 60))
batch=0
: > "$RUN/batches.tsv"
while (($(date +%s) < END)) && ((GAMES == 0 || $(cat "$RUN/played") < GAMES)); do
    batch=$((batch + 1))
    prefix="churn-$batch"
    if "$JAVA" -Xmx512m -jar "$ROOT/loadtest/target/roomgate-loadtest.jar" play-pgn --target "ws://127.0.0.1:$GW/ws" \
        --games "$BATCH" --spectators 0 --pace 0 --timeout-seconds 300 --room-prefix "$prefix" \
        --report "$RUN/batch-$batch" "$RUN/games.pgn" > "$RUN/batch-$batch.out" 2>&1; then
        printf '%s\t%s\tpassed\n' "$prefix" "$BATCH" >> "$RUN/batches.tsv"
        echo $(($(cat "$RUN/played") + BATCH)) > "$RUN/played"
    else
        printf '%s\t%s\tfailed\n' "$prefix" "$BATCH" >> "$RUN/batches.tsv"
        log "batch $batch failed: $(grep -m3 -i 'problem\|error\|exception' "$RUN/batch-$batch.out" | tr '\n' ' ')"
    fi
done
log "played $(cat "$RUN/played") games in $batch batches; waiting for the archive backlog to drain, then two idle samples"
for _ in $(seq 1 120); do
    b=0
    for port in "${METRICS[@]}"; do b=$((b + $(metric '^roomgate_hazelcast_map_entries\{.*map="roomgate.archive-queue"' "$port"))); done
    ((b == 0)) && break
    sleep 1
done
sleep $((GRACE + SAMPLE)); 
kill "$SAMPLER" 2>/dev/null || true
sample

log "checking every finished game in the archive against what was played"
python3 "$ROOT/bench/churn/check.py" "$GW" "$RUN/batches.tsv" "$RUN/games.uci" "$BATCH" | tee "$RUN/check.txt"
python3 "$ROOT/bench/churn/plot.py" "$RUN/series.tsv" "$RUN/series.svg"
cp "$RUN/series.svg" "$ROOT/bench/churn/series.svg"
echo
column -t -s $'\t' "$RUN/series.tsv" | tee "$RUN/series.txt"
log "series: $RUN/series.tsv, plot: bench/churn/series.svg"
