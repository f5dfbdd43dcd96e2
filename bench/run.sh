#!/usr/bin/env bash
# bench/run.sh — roomgate against nginx and against no proxy at all, on one machine, in one run.
#
# Starts two game nodes (each with its direct WebSocket listener, --ws-port), one roomgate gateway
# in front of them, and nginx in front of the same nodes' listeners (hash $arg_room consistent,
# WebSocket proxying). Then drives the same workload through each of the three targets, rotating
# their order over several rounds:
#   direct    clients connect straight to the node their room hashes to (rendezvous hashing of the
#             room key over the node URLs, as the gateway places rooms): the floor
#   roomgate  clients connect to the gateway, which routes by the room ID in each message
#   nginx     clients connect to nginx, which routes each connection by ?room=KEY in its URL
# Each pass (loadtest "bench" command): open-loop moves at fixed rates, closed-loop saturation, a
# fan-out room, then idle connections for memory per connection. CPU time of the routing process
# (gateway JVM, or nginx master + workers) comes from /proc/PID/stat over each measured window.
# One more, uncounted roomgate pass runs with a JFR recording; its hottest methods are printed at the end.
#
# Everything listens on 127.0.0.1. Only processes this script started are stopped, by pid.
# Results: bench/runs/<timestamp>/ (pass reports as JSON + HTML, summary.md, logs, gateway.jfr).
#
# Knobs (environment): ROUNDS (3), ROOMS (300), CLIENTS (1000), RATES (500,1000,2000),
# WARMUP (2), WINDOW (8), FANOUT (500,2000: spectators, one fan-out phase each), IDLE (5000), NODES (2), DURABILITY (replicated; "memory"
# keeps room records in the node's JVM: every acknowledged move then skips the synchronous cluster
# round trip, which costs direct, roomgate and nginx alike and measures storage, not routing),
# PERF (0; 1 records perf samples of the gateway and of nginx in every counted phase and splits
# their CPU per message into user mode, their own kernel work, and the peer's receive work that
# loopback charges to a sender: bench/perf/split.py; needs perf and root or perf_event_paranoid <= 0).
set -euo pipefail

ROUNDS=${ROUNDS:-3}
ROOMS=${ROOMS:-300}
CLIENTS=${CLIENTS:-1000}
RATES=${RATES:-500,1000,2000}
WARMUP=${WARMUP:-2}
WINDOW=${WINDOW:-8}
FANOUT=${FANOUT:-500,2000}
IDLE=${IDLE:-5000}
NODES=${NODES:-2}
DURABILITY=${DURABILITY:-replicated}
PERF=${PERF:-0}

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
RUN="$ROOT/bench/runs/$(date -u +%Y%m%d-%H%M%S)"
NODE_JAR="$ROOT/bench/direct-node/target/roomgate-node-direct.jar"   # the node with its direct listener
GATEWAY_JAR="$ROOT/gateway/target/roomgate-gateway.jar"
LOADTEST_JAR="$ROOT/loadtest/target/roomgate-loadtest.jar"
JVM_OPTIONS="$ROOT/deploy/jvm.options"   # the servers' options, as deploy/local/roomgate.sh runs them
PGN_DIR="$ROOT/data/pgn"
JAVA=${JAVA:-java}
mkdir -p "$RUN/nginx-tmp"

STARTED=()   # pids this script started, stopped at exit
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$RUN/run.log"; }

# shellcheck source=lib/processes.sh
source "$ROOT/bench/lib/processes.sh"
trap stop_started EXIT

# --- prerequisites -----------------------------------------------------------------------------
# Many sockets: 1,000 clients + 5,000 idle, through a proxy that holds two per client.
ulimit -Hn 200000 2>/dev/null || true
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [[ ! -f "$NODE_JAR" || ! -f "$GATEWAY_JAR" || ! -f "$LOADTEST_JAR" ]]; then
    log "building the jars (mvn -B -q -DskipTests package)"
    (cd "$ROOT" && mvn -B -q -DskipTests package)
fi
if ! command -v nginx >/dev/null; then
    log "installing nginx (Debian package)"
    # Keep the package from starting a system nginx on port 80: this script starts its own.
    policy_added=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_added=1
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
    [[ $policy_added == 1 ]] && rm -f /usr/sbin/policy-rc.d
fi

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "memory: $(free -g | awk '/Mem:/ {print $2}') GiB; kernel $(uname -r)"
    echo "java: $($JAVA -version 2>&1 | head -1)"
    echo "nginx: $(nginx -v 2>&1)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other sessions may be running their own work on this machine)"
    echo "workload: rooms=$ROOMS clients=$CLIENTS rates=$RATES warmup=${WARMUP}s window=${WINDOW}s fanout=$FANOUT idle=$IDLE rounds=$ROUNDS nodes=$NODES durability=$DURABILITY"
} | tee "$RUN/machine.txt"

# --- the system under test -----------------------------------------------------------------------
CLUSTER="bench-$$-$RANDOM"
read -r -a HZ_PORTS <<< "$(free_ports $((NODES + 1)))"
HZ_MEMBERS=$(printf '127.0.0.1:%s,' "${HZ_PORTS[@]}"); HZ_MEMBERS=${HZ_MEMBERS%,}
(umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$RUN/link-secret")
HZ=(--cluster-name "$CLUSTER" --hz-members "$HZ_MEMBERS" --heartbeat-timeout-seconds 5 --link-secret-file "$RUN/link-secret")

NODE_PIDS=(); WS_URLS=(); UPSTREAMS=""
for i in $(seq 1 "$NODES"); do
    "$JAVA" "@$JVM_OPTIONS" -Xms1g -Xmx1g -Xlog:gc:file="$RUN/node-$i-gc.log":uptime -jar "$NODE_JAR" --node-id "node-$i" --ws-port 0 --room-idle-unload 30 --durability "$DURABILITY" \
        --hz-port "${HZ_PORTS[$((i - 1))]}" "${HZ[@]}" > "$RUN/node-$i.out" 2> "$RUN/node-$i.log" &
    STARTED+=($!); NODE_PIDS+=($!)
    ws=$(ready_field "$RUN/node-$i.out" ws-port)
    WS_URLS+=("ws://127.0.0.1:$ws/ws")
    UPSTREAMS+="        server 127.0.0.1:$ws;"$'\n'
    log "node-$i pid ${NODE_PIDS[-1]} ws-port $ws"
done
# The flood limit is lifted: nginx and the nodes have none, and it would cap the closed loop.
# One event loop per core, as nginx's "worker_processes auto" (GW_IO_THREADS to change it): with the
# gateway's default of two per core, a room's clients spread over more loops and every event crosses
# more node links (measured: fewer loops, more throughput and less CPU per message on 2 cores).
GW_IO_THREADS=${GW_IO_THREADS:-$(nproc)}
# The admin API's token (every gateway needs one; the benchmark does not call the API).
(umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' > "$RUN/admin-token")
"$JAVA" "@$JVM_OPTIONS" -Xms1536m -Xmx1536m -Xlog:gc:file="$RUN/gateway-gc.log":uptime -jar "$GATEWAY_JAR" --gateway-id gw-bench --port 0 \
    --io-threads "$GW_IO_THREADS" --rate-per-second 1000000 --rate-burst 1000000 --hz-port "${HZ_PORTS[$NODES]}" "${HZ[@]}" \
    --admin-token-file "$RUN/admin-token" --auth none \
    > "$RUN/gateway.out" 2> "$RUN/gateway.log" &
GW_PID=$!; STARTED+=($GW_PID)
GW_PORT=$(ready_field "$RUN/gateway.out" port)
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$GW_PORT/health" | grep -Eq "\"nodeCount\": *$NODES\b" && break
    sleep 0.2
done
log "gateway pid $GW_PID port $GW_PORT"

NGINX_PORT=$(free_ports)
sed -e "s|@RUN@|$RUN|g" -e "s|@PORT@|$NGINX_PORT|g" "$ROOT/bench/nginx.conf.template" \
    | awk -v up="$UPSTREAMS" '{ if ($0 == "@UPSTREAMS@") printf "%s", up; else print }' > "$RUN/nginx.conf"
nginx -c "$RUN/nginx.conf" -e "$RUN/nginx-error.log" &
NGINX_PID=$!; STARTED+=($NGINX_PID)
for _ in $(seq 1 50); do
    (exec 3<>/dev/tcp/127.0.0.1/"$NGINX_PORT") 2>/dev/null && break
    sleep 0.1
done
NGINX_PIDS="$NGINX_PID,$(pgrep -P "$NGINX_PID" | paste -sd,)"
log "nginx master $NGINX_PID, all $NGINX_PIDS, port $NGINX_PORT"

DIRECT="direct:$(IFS=,; echo "${WS_URLS[*]}")"
NODE_PID_LIST=$(IFS=,; echo "${NODE_PIDS[*]}")

pass() {   # round target
    local round=$1 target=$2 url routing heap
    case $target in
        direct)   url=$DIRECT;                          routing="";             heap=$NODE_PID_LIST ;;
        roomgate) url="ws://127.0.0.1:$GW_PORT/ws";     routing=$GW_PID;        heap=$GW_PID ;;
        nginx)    url="ws://127.0.0.1:$NGINX_PORT/ws";  routing=$NGINX_PIDS;    heap="" ;;
    esac
    local args=(bench --name "$target" --target "$url" --pgn "$PGN_DIR"/*.pgn --rooms "$ROOMS" --clients "$CLIENTS"
        --rates "$RATES" --warmup-seconds "$WARMUP" --window-seconds "$WINDOW" --fanout-spectators "$FANOUT"
        --idle-connections "$IDLE" --node-pids "$NODE_PID_LIST" --report "$RUN/round$round-$target")
    [[ -n $routing ]] && args+=(--routing-pids "$routing")
    [[ -n $heap ]] && args+=(--heap-pids "$heap")
    log "round $round: $target"
    local perf_pid=""
    if [[ $PERF == 1 && -n $routing && $round != profiled ]]; then
        "$ROOT/bench/perf/phases.sh" "$RUN/round$round-$target.out" "$routing" "$RUN/perf/round$round-$target" &
        perf_pid=$!
    fi
    "$JAVA" -Xmx1g -jar "$LOADTEST_JAR" "${args[@]}" > "$RUN/round$round-$target.out" 2>&1 || true
    if [[ -n $perf_pid ]]; then kill -TERM "$perf_pid" 2>/dev/null || true; wait "$perf_pid" || true; fi
    grep -E '^bench |PASSED|FAILED' "$RUN/round$round-$target.out" | sed 's/^/    /' | tee -a "$RUN/run.log"
}

# An uncounted pass through each target first, through every phase but the idle connections: the
# JVMs' JIT compilers warm up on the same code paths, so that the first counted pass of a target is
# not also its warm-up. (A warm-up of the open loop alone left the gateway's C2 compiling a third of
# its CPU time during the counted low-rate windows, charged to routing CPU per message.)
for target in direct roomgate nginx; do
    log "warm-up pass: $target"
    case $target in
        direct)   url=$DIRECT ;;
        roomgate) url="ws://127.0.0.1:$GW_PORT/ws" ;;
        nginx)    url="ws://127.0.0.1:$NGINX_PORT/ws" ;;
    esac
    "$JAVA" -Xmx1g -jar "$LOADTEST_JAR" bench --name "$target" --target "$url" --pgn "$PGN_DIR"/*.pgn \
        --rooms "$ROOMS" --clients "$CLIENTS" --rates 1000 --warmup-seconds 2 --window-seconds 6 \
        --fanout-spectators "$FANOUT" --report "$RUN/warmup-$target" > "$RUN/warmup-$target.out" 2>&1 || true
done

ORDERS=("direct roomgate nginx" "roomgate nginx direct" "nginx direct roomgate")
for round in $(seq 1 "$ROUNDS"); do
    order=${ORDERS[$(((round - 1) % 3))]}
    for target in $order; do
        pass "$round" "$target"
    done
done
# The profile comes from one more roomgate pass, not counted: JFR's sampling costs the gateway CPU
# (at 500 moves/s it doubled the routing CPU per message of the pass it ran in).
jcmd "$GW_PID" JFR.start name=bench settings=profile filename="$RUN/gateway.jfr" > /dev/null
pass profiled roomgate
jcmd "$GW_PID" JFR.stop name=bench > /dev/null
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RUN/machine.txt"

# --- results -------------------------------------------------------------------------------------
# The summaries end in `sed -n 1,Np`, not head: sed reads all its input, so a long sort is never cut
# off by SIGPIPE, which pipefail would turn into this script's failure after a whole run.
"$JAVA" -jar "$LOADTEST_JAR" bench-summary "$RUN"/round[0-9]*-*.json --out "$RUN/summary" > /dev/null
if [[ -f "$RUN/gateway.jfr" ]]; then
    {
        echo; echo "**gateway CPU by thread (JFR, profiled pass; % of one core, mean over the pass: total = user + kernel)**"; echo; echo '```'
        jfr print --events jdk.ThreadCPULoad "$RUN/gateway.jfr" \
            | awk -v cores="$(nproc)" '/startTime =/ { ts[$3] = 1 }
                   /user =/ { u = $3; sub(/%/, "", u) } /system =/ { s = $3; sub(/%/, "", s) }
                   /eventThread =/ { t = $0; sub(/.*eventThread = "/, "", t); sub(/".*/, "", t); gsub(/[0-9]+$/, "#", t);
                                     usr[t] += u * cores; sys[t] += s * cores }
                   END { k = length(ts); for (t in usr) if ((usr[t] + sys[t]) / k >= 0.05)
                         printf "%7.2f%% = %6.2f%% + %6.2f%%  %s\n", (usr[t] + sys[t]) / k, usr[t] / k, sys[t] / k, t }' \
            | sort -rn | sed -n 1,10p
        echo '```'
        echo; echo "**gateway hot methods (JFR execution samples, profiled pass, top frames)**"; echo; echo '```'
        jfr print --events jdk.ExecutionSample "$RUN/gateway.jfr" \
            | awk '/stackTrace = \[/ { getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); n[$0]++; total++ }
                   END { for (m in n) printf "%6.2f%%  %s\n", 100 * n[m] / total, m; printf "(%d samples)\n", total }' \
            | sort -rn | sed -n 1,25p
        echo '```'
        echo; echo "**gateway samples by package (any frame of the stack; profiled pass)**"; echo; echo '```'
        jfr print --stack-depth 64 --events jdk.ExecutionSample "$RUN/gateway.jfr" \
            | awk '/stackTrace = \[/ { inside = 1; delete seen; total++; next }
                   inside && /^[ \t]*\]/ { inside = 0; next }
                   inside && $1 != "..." { f = $1; sub(/\(.*/, "", f); n_ = split(f, p, ".");
                            k = (p[1] == "roomgate") ? p[1] "." p[2] "." p[3] : p[1] "." p[2] "." p[3];
                            if (!(k in seen)) { seen[k] = 1; n[k]++ } }
                   END { for (k in n) printf "%6.2f%%  %s\n", 100 * n[k] / total, k }' \
            | sort -rn | sed -n 1,15p
        echo '```'
    } >> "$RUN/summary.md"
fi
if [[ -d "$RUN/perf" ]]; then
    { echo; echo "**routing CPU per message split by perf samples (bench/perf/split.py)**"; echo
      "$ROOT/bench/perf/split.py" "$RUN"; } >> "$RUN/summary.md"
fi
{ echo; cat "$RUN/machine.txt"; } >> "$RUN/summary.md"
cat "$RUN/summary.md"
log "results in $RUN"
