#!/usr/bin/env bash
# bench/idle/heap.sh — the gateway's heap per idle WebSocket, and the classes it is made of.
#
#   bench/idle/heap.sh [GATEWAY_JAR ...]
#
# For each gateway jar (default gateway/target/roomgate-gateway.jar), one after the other: starts one
# game node and that gateway (as bench/idle/run.sh does: deploy/jvm.options, --auth none, on
# 127.0.0.1), takes a class histogram of the gateway's live heap (`jcmd PID GC.class_histogram`,
# which is `jmap -histo:live`: a full GC first), opens CONNS idle WebSockets with
# bench/idle/IdleClients.java (handshake done, no room, pongs as any client), takes a second one
# SETTLE seconds after they are open and a third once every connection has had its first ping
# (PING_WAIT seconds later), and prints per connection: the live bytes added, the instances and
# bytes of each class that grew (TOP of them), and the handler contexts. The heap per connection
# does not depend on the machine's load, so this runs on a busy machine too. Stops only the
# processes it started, by pid.
#
# Knobs (environment): CONNS (5000), BASE_WAIT (15: seconds between the gateway's start and the
# first of three histograms, of which the smallest is the one before), SETTLE (3), PING_WAIT (25; 0: no third histogram), TOP (40),
# HEAP (512m). Needs the node and load-tester jars
# (mvn -B -q -pl game-node,gateway,loadtest -am -DskipTests package); NODE_JAR and LOADTEST_JAR
# override where they are taken from. Output: bench/idle/runs/heap-<timestamp>/ (histograms and
# summary.txt).
set -euo pipefail

CONNS=${CONNS:-5000}
BASE_WAIT=${BASE_WAIT:-15}
SETTLE=${SETTLE:-3}
PING_WAIT=${PING_WAIT:-25}
TOP=${TOP:-40}
HEAP=${HEAP:-512m}

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/bench/idle"
RUN="$HERE/runs/heap-$(date -u +%Y%m%d-%H%M%S)"
NODE_JAR=${NODE_JAR:-$ROOT/game-node/target/roomgate-node.jar}
LOADTEST_JAR=${LOADTEST_JAR:-$ROOT/loadtest/target/roomgate-loadtest.jar}
JVM_OPTIONS="$ROOT/deploy/jvm.options"
JAVA=${JAVA:-java}
JCMD=${JCMD:-jcmd}
mkdir -p "$RUN"

JARS=()
for jar in "$@"; do JARS+=("$(realpath -m -- "$jar")"); done   # the processes start in the run folder
[[ ${#JARS[@]} -gt 0 ]] || JARS=("$ROOT/gateway/target/roomgate-gateway.jar")
NODE_JAR=$(realpath -m -- "$NODE_JAR"); LOADTEST_JAR=$(realpath -m -- "$LOADTEST_JAR")
for f in "$NODE_JAR" "$LOADTEST_JAR" "${JARS[@]}"; do
    if [[ ! -f $f ]]; then
        echo "missing $f (build: mvn -B -q -pl game-node,gateway,loadtest -am -DskipTests package)" >&2
        exit 2
    fi
done

STARTED=()   # pids this script started, stopped at exit
stop() {
    local pid
    for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "$@"; do
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null || true
    done
}
stop_all() { stop ${STARTED[@]+"${STARTED[@]}"}; }
trap stop_all EXIT
trap "exit 143" TERM INT

# shellcheck source=../lib/processes.sh
source "$ROOT/bench/lib/processes.sh"

ulimit -Hn 200000 2>/dev/null || true
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
(umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$RUN/link-secret")
(umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' > "$RUN/admin-token")

histogram() {   # pid file
    "$JCMD" "$1" GC.class_histogram > "$2"
}

# Bytes per connection between two histograms, the classes that grew, the pipeline contexts.
delta() {   # before after label
    python3 - "$1" "$2" "$CONNS" "$TOP" "$3" <<'PY'
import re, sys
before, after, conns, top, label = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
def read(path):
    rows, total = {}, 0
    for line in open(path):
        m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            n, b, cls = int(m.group(1)), int(m.group(2)), m.group(3)
            old = rows.get(cls, (0, 0))
            rows[cls] = (old[0] + n, old[1] + b)
        m = re.match(r"Total\s+(\d+)\s+(\d+)", line)
        if m:
            total = int(m.group(2))
    return rows, total
b, tb = read(before)
a, ta = read(after)
grew = []
for cls in set(a) | set(b):
    n = a.get(cls, (0, 0))[0] - b.get(cls, (0, 0))[0]
    by = a.get(cls, (0, 0))[1] - b.get(cls, (0, 0))[1]
    grew.append((by, n, cls))
grew.sort(reverse=True)
print(f"{label}: {(ta - tb) / conns:,.0f} B of live heap per connection ({conns} connections, {ta - tb:,} B)")
print(f"  {'B/conn':>8} {'inst/conn':>9}  class")
for by, n, cls in grew[:top]:
    print(f"  {by / conns:8.1f} {n / conns:9.2f}  {cls}")
n = a.get("io.netty.channel.DefaultChannelHandlerContext", (0, 0))[0] - b.get("io.netty.channel.DefaultChannelHandlerContext", (0, 0))[0]
print(f"  handler contexts per connection (the pipeline's head and tail apart): {n / conns:.2f}")
PY
}

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- . 2>/dev/null || echo ' (uncommitted changes)')"
    echo "java: $($JAVA -version 2>&1 | head -1)"
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "knobs: conns=$CONNS settle=${SETTLE}s ping-wait=${PING_WAIT}s heap=$HEAP"
} | tee "$RUN/summary.txt"

k=0
for jar in "${JARS[@]}"; do
    k=$((k + 1))
    name="gw$k"
    echo "gateway $name: $jar" | tee -a "$RUN/summary.txt"
    read -r -a PORTS <<< "$(free_ports 2)"
    MEMBERS="127.0.0.1:${PORTS[0]},127.0.0.1:${PORTS[1]}"
    HZ=(--cluster-name "heap-$$-$k" --hz-members "$MEMBERS" --link-secret-file "$RUN/link-secret")
    (cd "$RUN" && exec "$JAVA" "@$JVM_OPTIONS" -Xms"$HEAP" -Xmx"$HEAP" -jar "$NODE_JAR" --node-id "node-$k" \
        --hz-port "${PORTS[0]}" "${HZ[@]}") > "$RUN/node-$k.out" 2> "$RUN/node-$k.log" &
    node=$!; STARTED+=("$node")
    ready_field "$RUN/node-$k.out" pid > /dev/null
    (cd "$RUN" && exec "$JAVA" "@$JVM_OPTIONS" -Xms"$HEAP" -Xmx"$HEAP" -jar "$jar" --gateway-id "$name" --port 0 \
        --admin-port 0 --admin-token-file "$RUN/admin-token" --auth none --hz-port "${PORTS[1]}" "${HZ[@]}") \
        > "$RUN/$name.out" 2> "$RUN/$name.log" &
    gw=$!; STARTED+=("$gw")
    port=$(ready_field "$RUN/$name.out" port)
    for _ in $(seq 1 150); do
        curl -fs "http://127.0.0.1:$port/health" | grep -Eq '"nodeCount": *1\b' && break
        sleep 0.2
    done
    # What the cluster's start leaves live for a while (Hazelcast's retried operations, their
    # exceptions, buffers) would be counted against the connections, making them look cheaper:
    # the first histogram is the smallest of three, 5 s apart, after BASE_WAIT.
    sleep "$BASE_WAIT"
    for b in 1 2 3; do
        [[ $b -eq 1 ]] || sleep 5
        histogram "$gw" "$RUN/$name-0.$b.histo"
    done
    cp "$(for b in 1 2 3; do echo "$(awk '/^Total/ {print $3}' "$RUN/$name-0.$b.histo") $RUN/$name-0.$b.histo"; done \
        | sort -n | head -1 | cut -d' ' -f2)" "$RUN/$name-0.histo"
    "$JAVA" -Xmx1g -cp "$LOADTEST_JAR" "$HERE/IdleClients.java" "$CONNS" 1 "ws://127.0.0.1:$port/ws" \
        > "$RUN/$name-clients.out" 2>&1 &
    clients=$!; STARTED+=("$clients")
    for _ in $(seq 1 900); do
        grep -q '^IDLE-READY' "$RUN/$name-clients.out" 2>/dev/null && break
        kill -0 "$clients" 2>/dev/null || { cat "$RUN/$name-clients.out" >&2; exit 1; }
        sleep 0.2
    done
    sleep "$SETTLE"
    histogram "$gw" "$RUN/$name-1.histo"
    delta "$RUN/$name-0.histo" "$RUN/$name-1.histo" "$name, ${SETTLE} s after opening" | tee -a "$RUN/summary.txt"
    if [[ $PING_WAIT -gt 0 ]]; then
        sleep "$PING_WAIT"
        histogram "$gw" "$RUN/$name-2.histo"
        delta "$RUN/$name-0.histo" "$RUN/$name-2.histo" "$name, past the first ping" | tee -a "$RUN/summary.txt"
    fi
    stop "$clients" "$gw" "$node"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RUN/summary.txt"
echo "results in $RUN"
