#!/usr/bin/env bash
# bench/syscalls/run.sh — what the routing process does in the kernel per message: system calls by
# type, wake-ups, context switches and CPU (user and system), for roomgate's gateway on each Netty
# transport (epoll, io_uring) and for nginx, under the same workload in the same run. Counts per
# message hold under any machine load; the CPU figures are as noisy as the machine.
#
# Starts NODES game nodes with their direct WebSocket listeners (bench/direct-node, as bench/run.sh),
# one gateway per transport in TRANSPORTS (--transport T), and nginx in front of the nodes
# (bench/nginx.conf.template), all on 127.0.0.1; stops only what it started, by pid. After one
# uncounted warm-up pass through each target, ROUNDS rounds of the load tester (open loop at each of
# RATES moves/s, then a fan-out room with FANOUT spectators; no closed loop), the targets' order
# rotating each round. During each phase's window bench/syscalls/measure.py counts, for the routing
# process only (gateway JVM; nginx master and workers), with `perf stat` (syscall tracepoints) and
# /proc/PID/stat, CPU split into user and system time by `perf record` samples (kept per phase as
# *.perf.data). perf's counting adds a little to each system call of the counted process, alike for
# all targets.
#
# Results: bench/syscalls/runs/<timestamp>/summary.md (medians of the rounds, ratios to nginx).
# Knobs (environment): ROUNDS (2), ROOMS (300), CLIENTS (1000), RATES (500,2000), FANOUT (500),
# WARMUP (2), WINDOW (8), NODES (2), DURABILITY (memory), TRANSPORTS ("epoll io_uring"),
# GW_IO_THREADS (cores), HEAP (1g, each JVM server).
set -euo pipefail

ROUNDS=${ROUNDS:-2}
ROOMS=${ROOMS:-300}
CLIENTS=${CLIENTS:-1000}
RATES=${RATES:-500,2000}
FANOUT=${FANOUT:-500}
WARMUP=${WARMUP:-2}
WINDOW=${WINDOW:-8}
NODES=${NODES:-2}
DURABILITY=${DURABILITY:-memory}
read -r -a TRANSPORTS <<< "${TRANSPORTS:-epoll io_uring}"
GW_IO_THREADS=${GW_IO_THREADS:-$(nproc)}
HEAP=${HEAP:-1g}

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/bench/syscalls"
RUN="$HERE/runs/$(date -u +%Y%m%d-%H%M%S)"
NODE_JAR="$ROOT/bench/direct-node/target/roomgate-node-direct.jar"
GATEWAY_JAR="$ROOT/gateway/target/roomgate-gateway.jar"
LOADTEST_JAR="$ROOT/loadtest/target/roomgate-loadtest.jar"
JVM_OPTIONS="$ROOT/deploy/jvm.options"
JAVA=${JAVA:-java}
mkdir -p "$RUN/nginx-tmp"

STARTED=()   # pids this script started, stopped at exit
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$RUN/run.log"; }

# shellcheck source=../lib/processes.sh
source "$ROOT/bench/lib/processes.sh"
trap stop_started EXIT
trap "exit 143" TERM INT

for f in "$NODE_JAR" "$GATEWAY_JAR" "$LOADTEST_JAR"; do
    if [[ ! -f $f ]]; then
        echo "missing $f (build: mvn -B -q -pl bench/direct-node,gateway,loadtest -am -DskipTests package)" >&2
        exit 2
    fi
done
for tool in perf nginx python3; do
    command -v "$tool" > /dev/null || { echo "needs $tool" >&2; exit 2; }
done
ulimit -Hn 200000 2>/dev/null || true
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

PHASES=$(echo "$RATES" | tr ',' '\n' | sed 's/^/open-/' | paste -sd,)
[[ $FANOUT != 0 ]] && PHASES="$PHASES,fanout-$FANOUT"
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- . 2>/dev/null || echo ' (uncommitted changes)')"
    echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); kernel $(uname -r)"
    echo "java: $($JAVA -version 2>&1 | head -1); $(nginx -v 2>&1); $(perf --version)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "workload: rooms=$ROOMS clients=$CLIENTS phases=$PHASES warmup=${WARMUP}s window=${WINDOW}s rounds=$ROUNDS nodes=$NODES durability=$DURABILITY gateway io-threads=$GW_IO_THREADS"
} | tee "$RUN/machine.txt"

# --- the system under test -----------------------------------------------------------------------
T=${#TRANSPORTS[@]}
CLUSTER="syscalls-$$-$RANDOM"
read -r -a HZ_PORTS <<< "$(free_ports $((NODES + T)))"
HZ_MEMBERS=$(printf '127.0.0.1:%s,' "${HZ_PORTS[@]}"); HZ_MEMBERS=${HZ_MEMBERS%,}
(umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$RUN/link-secret")
(umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' > "$RUN/admin-token")
HZ=(--cluster-name "$CLUSTER" --hz-members "$HZ_MEMBERS" --heartbeat-timeout-seconds 5 --link-secret-file "$RUN/link-secret")

NODE_PIDS=(); UPSTREAMS=""
for i in $(seq 1 "$NODES"); do
    (cd "$RUN" && exec "$JAVA" "@$JVM_OPTIONS" -Xms"$HEAP" -Xmx"$HEAP" -jar "$NODE_JAR" --node-id "node-$i" --ws-port 0 \
        --room-idle-unload 30 --durability "$DURABILITY" --hz-port "${HZ_PORTS[$((i - 1))]}" "${HZ[@]}") \
        > "$RUN/node-$i.out" 2> "$RUN/node-$i.log" &
    STARTED+=($!); NODE_PIDS+=($!)
    ws=$(ready_field "$RUN/node-$i.out" ws-port)
    UPSTREAMS+="        server 127.0.0.1:$ws;"$'\n'
    log "node-$i pid ${NODE_PIDS[-1]} ws-port $ws"
done

TARGETS=(); URLS=(); PIDS=()
for i in $(seq 0 $((T - 1))); do
    t=${TRANSPORTS[$i]}
    (cd "$RUN" && exec "$JAVA" "@$JVM_OPTIONS" -Xms"$HEAP" -Xmx"$HEAP" -jar "$GATEWAY_JAR" --gateway-id "gw-$t" --port 0 \
        --admin-port 0 --admin-token-file "$RUN/admin-token" --auth none --transport "$t" --io-threads "$GW_IO_THREADS" \
        --rate-per-second 1000000 --rate-burst 1000000 --hz-port "${HZ_PORTS[$((NODES + i))]}" "${HZ[@]}") \
        > "$RUN/gw-$t.out" 2> "$RUN/gw-$t.log" &
    STARTED+=($!); pid=$!
    port=$(ready_field "$RUN/gw-$t.out" port)
    for _ in $(seq 1 150); do
        curl -fs "http://127.0.0.1:$port/health" | grep -Eq "\"nodeCount\": *$NODES\b" && break
        sleep 0.2
    done
    # Evidence that the transport is the one asked for: the ready line, and io_uring rings among the fds.
    rings=$(find "/proc/$pid/fd" -lname 'anon_inode:\[io_uring\]' 2>/dev/null | wc -l)
    log "gateway $t pid $pid port $port ready-line transport=$(ready_field "$RUN/gw-$t.out" transport) io_uring fds=$rings" \
        | tee -a "$RUN/machine.txt"
    TARGETS+=("roomgate-$t"); URLS+=("ws://127.0.0.1:$port/ws"); PIDS+=("$pid")
done

NGINX_PORT=$(free_ports)
sed -e "s|@RUN@|$RUN|g" -e "s|@PORT@|$NGINX_PORT|g" "$ROOT/bench/nginx.conf.template" \
    | awk -v up="$UPSTREAMS" '{ if ($0 == "@UPSTREAMS@") printf "%s", up; else print }' > "$RUN/nginx.conf"
nginx -c "$RUN/nginx.conf" -e "$RUN/nginx-error.log" &
NGINX_PID=$!; STARTED+=($NGINX_PID)
for _ in $(seq 1 50); do
    (exec 3<>/dev/tcp/127.0.0.1/"$NGINX_PORT") 2>/dev/null && break
    sleep 0.1
done
TARGETS+=(nginx); URLS+=("ws://127.0.0.1:$NGINX_PORT/ws"); PIDS+=("$NGINX_PID,$(pgrep -P "$NGINX_PID" | paste -sd,)")
log "nginx pids ${PIDS[-1]} port $NGINX_PORT"
N=${#TARGETS[@]}

loadtest() {   # target-index report-base rates window
    local i=$1 base=$2 rates=$3 window=$4
    "$JAVA" -Xmx1g -jar "$LOADTEST_JAR" bench --name "${TARGETS[$i]}" --target "${URLS[$i]}" --pgn "$ROOT"/data/pgn/*.pgn \
        --rooms "$ROOMS" --clients "$CLIENTS" --rates "$rates" --no-closed-loop --fanout-spectators "$FANOUT" \
        --warmup-seconds "$WARMUP" --window-seconds "$window" --routing-pids "${PIDS[$i]}" --report "$base" \
        > "$base.out" 2>&1 || true
}

for i in $(seq 0 $((N - 1))); do
    log "warm-up pass: ${TARGETS[$i]}"
    loadtest "$i" "$RUN/warmup-${TARGETS[$i]}" "$RATES" 6
done

for r in $(seq 1 "$ROUNDS"); do
    for k in $(seq 0 $((N - 1))); do
        i=$(((k + r - 1) % N))
        base="$RUN/r$r-${TARGETS[$i]}"
        log "round $r: ${TARGETS[$i]}"
        loadtest "$i" "$base" "$RATES" "$WINDOW" &
        lt=$!
        python3 "$HERE/measure.py" --log "$base.out" --name "${TARGETS[$i]}" --phases "$PHASES" --warmup "$WARMUP" \
            --window "$WINDOW" --pids "${PIDS[$i]}" --out "$base-sys.json" 2>&1 | sed 's/^/    /' | tee -a "$RUN/run.log" || true
        wait "$lt" || true
        grep -E "FAILED|errors=\{[^}]" "$base.out" | sed 's/^/    /' | tee -a "$RUN/run.log" || true
    done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RUN/machine.txt"

python3 "$HERE/summarise.py" "$RUN" nginx "${TARGETS[@]}" > "$RUN/summary.md"
{ echo; cat "$RUN/machine.txt"; } >> "$RUN/summary.md"
cat "$RUN/summary.md"
log "results in $RUN"
