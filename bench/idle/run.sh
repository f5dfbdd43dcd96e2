#!/usr/bin/env bash
# bench/idle/run.sh — what a gateway costs when little happens: CPU and wake-ups with no clients, with
# many idle WebSockets, and per message at a game-like rate; threads by name. Several gateway
# variants (jar, JVM options, flags) run side by side in one cluster and are measured in the same
# windows (idle) or in turns, in a rotating order (under load), so that they compare under the same
# machine load.
#
#   bench/idle/run.sh [VARIANTS_FILE]
#
# VARIANTS_FILE: one gateway per line, `NAME|GATEWAY_JAR|JVM_OPTIONS|GATEWAY_FLAGS` (a relative jar
# is taken from the repository root; # starts a comment). Without it: one gateway, `current`, from
# gateway/target/roomgate-gateway.jar. Every gateway also gets deploy/jvm.options, as deployed.
#
# Starts NODES game nodes (game-node/target/roomgate-node.jar) and the gateways, all on 127.0.0.1;
# stops only the processes it started, by pid. Then, after an uncounted warm-up pass of the load
# tester through each gateway (the JIT compiles the message path):
#   idle   ROUNDS windows of IDLE_SECONDS, every gateway at once, no client connected
#   conns  CONNS idle WebSockets to each gateway (bench/idle/IdleClients.java: handshake done, no
#          room, pongs as any client; opened in steps over 20 s, the ping interval, as clients
#          arriving over time), ROUNDS windows of CONN_SECONDS (20 s: one ping round of every
#          connection), every gateway at once
#   load   ROUNDS rounds of the load tester's open loop at RATE moves/s (ROOMS rooms, CLIENTS
#          clients), one gateway at a time, the order rotating each round; the sampler measures the
#          gateway over the load tester's measured window
# Per window and gateway (bench/idle/sample.py): CPU ms/s (schedstat of every thread), wake-ups/s
# (voluntary context switches), preemptions/s, threads, and the same by thread-name group.
# Results: bench/idle/runs/<timestamp>/summary.md (medians of the rounds) and the raw JSON.
#
# Knobs (environment): ROUNDS (3), IDLE_SECONDS (20), CONNS (5000), CONN_SECONDS (20), RATE (500),
# ROOMS (300), CLIENTS (1000), WARMUP (3), WINDOW (20), NODES (2), HEAP (512m, each server JVM).
set -euo pipefail

ROUNDS=${ROUNDS:-3}
IDLE_SECONDS=${IDLE_SECONDS:-20}
CONNS=${CONNS:-5000}
CONN_SECONDS=${CONN_SECONDS:-20}
RATE=${RATE:-500}
ROOMS=${ROOMS:-300}
CLIENTS=${CLIENTS:-1000}
WARMUP=${WARMUP:-3}
WINDOW=${WINDOW:-20}
NODES=${NODES:-2}
HEAP=${HEAP:-512m}

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/bench/idle"
RUN="$HERE/runs/$(date -u +%Y%m%d-%H%M%S)"
NODE_JAR="$ROOT/game-node/target/roomgate-node.jar"
LOADTEST_JAR="$ROOT/loadtest/target/roomgate-loadtest.jar"
JVM_OPTIONS="$ROOT/deploy/jvm.options"
JAVA=${JAVA:-java}
mkdir -p "$RUN"

STARTED=()   # pids this script started, stopped at exit
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$RUN/run.log"; }

# shellcheck source=../lib/processes.sh
source "$ROOT/bench/lib/processes.sh"
trap stop_started EXIT
trap "exit 143" TERM INT   # so that a stopped run still stops what it started

# --- the variants --------------------------------------------------------------------------------
NAMES=(); JARS=(); OPTS=(); FLAGS=()
if [[ $# -ge 1 ]]; then
    while IFS='|' read -r name jar opts flags; do
        [[ -z ${name// /} || $name == \#* ]] && continue
        name=$(echo "$name" | xargs); jar=$(echo "$jar" | xargs)
        [[ $jar == /* ]] || jar="$ROOT/$jar"
        NAMES+=("$name"); JARS+=("$jar"); OPTS+=("$opts"); FLAGS+=("$flags")
    done < "$1"
    cp "$1" "$RUN/variants.txt"
else
    NAMES=(current); JARS=("$ROOT/gateway/target/roomgate-gateway.jar"); OPTS=(""); FLAGS=("")
fi
for f in "$NODE_JAR" "$LOADTEST_JAR" "${JARS[@]}"; do
    if [[ ! -f $f ]]; then
        echo "missing $f (build: mvn -B -q -pl game-node,gateway,loadtest -am -DskipTests package)" >&2
        exit 2
    fi
done
V=${#NAMES[@]}

ulimit -Hn 200000 2>/dev/null || true
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- . 2>/dev/null || echo ' (uncommitted changes)')"
    echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "java: $($JAVA -version 2>&1 | head -1)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "knobs: rounds=$ROUNDS idle=${IDLE_SECONDS}s conns=$CONNS conn-window=${CONN_SECONDS}s rate=$RATE rooms=$ROOMS clients=$CLIENTS warmup=${WARMUP}s window=${WINDOW}s nodes=$NODES heap=$HEAP"
    for i in $(seq 0 $((V - 1))); do
        echo "variant ${NAMES[$i]}: ${JARS[$i]#"$ROOT/"} | ${OPTS[$i]} | ${FLAGS[$i]}"
    done
} | tee "$RUN/machine.txt"

# --- the system under test -----------------------------------------------------------------------
CLUSTER="idle-$$-$RANDOM"
read -r -a HZ_PORTS <<< "$(free_ports $((NODES + V)))"
HZ_MEMBERS=$(printf '127.0.0.1:%s,' "${HZ_PORTS[@]}"); HZ_MEMBERS=${HZ_MEMBERS%,}
(umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$RUN/link-secret")
(umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' > "$RUN/admin-token")
HZ=(--cluster-name "$CLUSTER" --hz-members "$HZ_MEMBERS" --heartbeat-timeout-seconds 5 --link-secret-file "$RUN/link-secret")

NODE_PIDS=()
for i in $(seq 1 "$NODES"); do
    # In the run folder: the archive's default H2 file lands there.
    (cd "$RUN" && exec "$JAVA" "@$JVM_OPTIONS" -Xms"$HEAP" -Xmx"$HEAP" -jar "$NODE_JAR" --node-id "node-$i" \
        --hz-port "${HZ_PORTS[$((i - 1))]}" "${HZ[@]}") > "$RUN/node-$i.out" 2> "$RUN/node-$i.log" &
    STARTED+=($!); NODE_PIDS+=($!)
    ready_field "$RUN/node-$i.out" pid > /dev/null
    log "node-$i pid ${NODE_PIDS[-1]}"
done

GW_PIDS=(); GW_PORTS=()
for i in $(seq 0 $((V - 1))); do
    # shellcheck disable=SC2086 # the variant's options and flags are word lists
    (cd "$RUN" && exec "$JAVA" "@$JVM_OPTIONS" -Xms"$HEAP" -Xmx"$HEAP" ${OPTS[$i]} -jar "${JARS[$i]}" \
        --gateway-id "gw-${NAMES[$i]}" --port 0 --admin-port 0 --admin-token-file "$RUN/admin-token" --auth none \
        --rate-per-second 1000000 --rate-burst 1000000 --hz-port "${HZ_PORTS[$((NODES + i))]}" "${HZ[@]}" ${FLAGS[$i]}) \
        > "$RUN/gw-${NAMES[$i]}.out" 2> "$RUN/gw-${NAMES[$i]}.log" &
    STARTED+=($!); GW_PIDS+=($!)
    GW_PORTS+=("$(ready_field "$RUN/gw-${NAMES[$i]}.out" port)")
    for _ in $(seq 1 150); do
        curl -fs "http://127.0.0.1:${GW_PORTS[$i]}/health" | grep -Eq "\"nodeCount\": *$NODES\b" && break
        sleep 0.2
    done
    log "gateway ${NAMES[$i]} pid ${GW_PIDS[$i]} port ${GW_PORTS[$i]}"
done

ALL_GW=(); for i in $(seq 0 $((V - 1))); do ALL_GW+=("${NAMES[$i]}=${GW_PIDS[$i]}"); done

loadtest() {   # variant-index report-base rates window
    local i=$1 base=$2 rates=$3 window=$4
    "$JAVA" -Xmx1g -jar "$LOADTEST_JAR" bench --name "${NAMES[$i]}" --target "ws://127.0.0.1:${GW_PORTS[$i]}/ws" \
        --pgn "$ROOT"/data/pgn/*.pgn --rooms "$ROOMS" --clients "$CLIENTS" --rates "$rates" --no-closed-loop \
        --fanout-spectators 0 --warmup-seconds "$WARMUP" --window-seconds "$window" \
        --routing-pids "${GW_PIDS[$i]}" --report "$base" > "$base.out" 2>&1 || true
}

# --- warm-up ---------------------------------------------------------------------------------------
for i in $(seq 0 $((V - 1))); do
    log "warm-up pass: ${NAMES[$i]}"
    loadtest "$i" "$RUN/warmup-${NAMES[$i]}" "$RATE,$((RATE * 2))" 8
done
# Let what the warm-up left (closing connections, leaving rooms, the JIT's last compiles) settle.
sleep 15

# --- idle, no clients ----------------------------------------------------------------------------
for r in $(seq 1 "$ROUNDS"); do
    log "idle round $r"
    python3 "$HERE/sample.py" "$IDLE_SECONDS" "$RUN/idle-r$r.json" "${ALL_GW[@]}" | sed 's/^/    /' | tee -a "$RUN/run.log"
done

# --- idle WebSockets ------------------------------------------------------------------------------
URLS=(); for i in $(seq 0 $((V - 1))); do URLS+=("ws://127.0.0.1:${GW_PORTS[$i]}/ws"); done
log "opening $CONNS idle connections to each gateway"
"$JAVA" -Xmx1g -cp "$LOADTEST_JAR" "$HERE/IdleClients.java" "$CONNS" 20 "${URLS[@]}" > "$RUN/idle-clients.out" 2>&1 &
IDLE_PID=$!; STARTED+=($IDLE_PID)
for _ in $(seq 1 900); do
    grep -q '^IDLE-READY' "$RUN/idle-clients.out" && break
    kill -0 "$IDLE_PID" 2>/dev/null || { cat "$RUN/idle-clients.out" >&2; exit 1; }
    sleep 0.2
done
grep '^IDLE-READY' "$RUN/idle-clients.out" | sed 's/^/    /' | tee -a "$RUN/run.log"
# Past the first ping of every connection (20 s after its handshake) before measuring.
sleep 25
for r in $(seq 1 "$ROUNDS"); do
    log "idle connections round $r"
    python3 "$HERE/sample.py" "$CONN_SECONDS" "$RUN/conns-r$r.json" "${ALL_GW[@]}" | sed 's/^/    /' | tee -a "$RUN/run.log"
done
kill -TERM "$IDLE_PID" 2>/dev/null || true
for _ in $(seq 1 100); do kill -0 "$IDLE_PID" 2>/dev/null || break; sleep 0.2; done
sleep 10

# --- open loop at RATE moves/s -------------------------------------------------------------------
for r in $(seq 1 "$ROUNDS"); do
    for k in $(seq 0 $((V - 1))); do
        i=$(((k + r - 1) % V))
        base="$RUN/load-r$r-${NAMES[$i]}"
        log "load round $r: ${NAMES[$i]}"
        loadtest "$i" "$base" "$RATE" "$WINDOW" &
        lt=$!
        # The load tester's window opens WARMUP s (and 50 ms) after it prints that the rooms are seated.
        for _ in $(seq 1 600); do
            grep -q "phase open-$RATE, .* seated" "$base.out" 2>/dev/null && break
            kill -0 "$lt" 2>/dev/null || break
            sleep 0.1
        done
        if grep -q "phase open-$RATE, .* seated" "$base.out" 2>/dev/null; then
            sleep "$WARMUP.3"
            python3 "$HERE/sample.py" "$((WINDOW - 1))" "$base-sample.json" "${NAMES[$i]}=${GW_PIDS[$i]}" | sed 's/^/    /' | tee -a "$RUN/run.log"
        fi
        wait "$lt" || true
        grep -E "open-$RATE moves|FAILED" "$base.out" | sed 's/^/    /' | tee -a "$RUN/run.log" || true
    done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RUN/machine.txt"

python3 "$HERE/summarise.py" "$RUN" "$RATE" "${NAMES[@]}" > "$RUN/summary.md"
cat "$RUN/summary.md"
log "results in $RUN"
