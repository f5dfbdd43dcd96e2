#!/usr/bin/env bash
# hosts.sh — run roomgate as a multi-host cluster on one Linux machine: each game node and gateway in
# its own network namespace (a "host") with its own address, the hosts joined by a bridge.
#
#   hosts.sh up [--nodes N] [--gateways M] [--quorum Q] [--net-only --hosts K] [--run-dir DIR] [--timeout S]
#   hosts.sh status [--run-dir DIR]
#   hosts.sh exec HOST COMMAND...      (run a command inside a host's namespace, e.g. nft, tc, ss)
#   hosts.sh slow HOST [--delay 150ms] [--jitter 50ms] [--distribution uniform|normal] [--loss 5%]
#                 [--rate 10mbit] [--reorder] [--seed N]   (HOST's link through slowlink.py)
#   hosts.sh fast HOST                 (HOST's link back on its veth)
#   hosts.sh down [--run-dir DIR]
#
# Needs root (ip netns, veth, bridge). What it makes, all named with the run's prefix rg-PID:
#   namespaces rg-PID-h1..hN   one per host; eth0 there has 10.213.S.i/24, lo is up
#   namespace  rg-PID-br       the bridge "br0" joining the hosts' veth peers
#   link       rgPIDr          in the root namespace, the far end of one more veth on the bridge, with
#                              10.213.S.254/24: the only way in for a client (or a test) in the root
#                              namespace, which cannot enter a namespace per socket. Its connected
#                              route is the only change to the root namespace, and it goes on down.
# The subnet S is the first in 10.213.20-249 that the root namespace does not route yet.
#
# The run folder (default run/netns-<timestamp>/ under the repository; run/netns-current points to it):
#   prefix        rg-PID
#   hosts         "name namespace address role" lines
#   pids          "name pid" lines, one per process started
#   NAME.out/.log the process's stdout (its ROOMGATE-READY line) and stderr
#   run.conf      subnet, root link, cluster name, jars
# down stops processes by the pids recorded (after /proc/PID/cmdline shows the run's marker), then
# deletes every namespace and root link with the prefix: faults injected inside the namespaces
# (nft tables, tc qdiscs) go with them. A failed or interrupted up does the same before it exits.
#
# slow: this kernel may lack sch_netem (tc ... netem: "Specified qdisc kind is unknown"), so delay,
# jitter and loss come from slowlink.py (python3, standard library) instead: it opens a TAP device
# "slow0" in the host's namespace and one "sI" on the bridge, and copies frames between them, each
# delayed and perhaps dropped. slow gives slow0 eth0's MAC and address and takes eth0 down, so the
# host's routes and neighbours' ARP entries lead through the emulator while its processes keep
# their sockets (TCP connections ride out the switch: a few frames lost). fast does the reverse and
# stops the emulator. The emulator is recorded in pids as slowlink-HOST (down stops it like the
# others), its state in slow-HOST; its devices vanish when it exits.
set -euo pipefail

readonly PROG=${0##*/}
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
REPO_ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd)
readonly REPO_ROOT
readonly RUN_ROOT="$REPO_ROOT/run"
readonly NODE_JAR="$REPO_ROOT/game-node/target/roomgate-node.jar"
readonly GATEWAY_JAR="$REPO_ROOT/gateway/target/roomgate-gateway.jar"
readonly JVM_OPTIONS="$REPO_ROOT/deploy/jvm.options"
readonly MARKER_PROP=roomgate.launcher.run
readonly NET_BASE=10.213
# Every host has its own address, so every process listens on the same fixed ports.
readonly HZ_PORT=5701 LINK_PORT=7000 CLIENT_PORT=8080 ADMIN_PORT=8081 METRICS_PORT=9100
readonly STOP_TIMEOUT=10
readonly SLOWLINK="$SCRIPT_DIR/slowlink.py"
readonly SLOW_TAP=slow0

JAVA=${JAVA:-java}
JAVA_OPTS=${JAVA_OPTS:--Xmx256m -XX:+UseSerialGC}
TIMEOUT=90

usage() {
    cat <<EOF
Usage: $PROG COMMAND [OPTIONS]

Runs roomgate game nodes and gateways each in its own network namespace ("host") with its own
address on a private bridge ($NET_BASE.S.0/24). Needs root.

Commands:
  up        make the hosts, start node-1..N then gw-1..M, wait until each gateway's /health lists
            every node; prints the run folder (its 'hosts' file names each host's address)
  status    the run's hosts, their processes (alive/dead) and each gateway's /health
  exec HOST COMMAND...
            run COMMAND in HOST's namespace (HOST: node-1, gw-1, ...); for faults: nft, tc, ss
  slow HOST [--delay D] [--jitter J] [--distribution uniform|normal] [--loss L] [--rate R] [--reorder]
            [--seed N]
            HOST's link through a userspace emulator (slowlink.py, python3): each frame each way
            delayed D +- J (uniform; normal: J the standard deviation), in order unless --reorder,
            dropped with probability L (e.g. 5%), at most R (e.g. 10mbit); processes keep running
  fast HOST HOST's link back on its own veth; stops the emulator
  down      stop the run's processes (by recorded pid), delete its namespaces and root link

Options:
  --nodes N        game nodes (default 3)            --gateways M   gateways (default 1)
  --quorum Q       game nodes a side needs to write room records (default: a majority of N)
  --net-only       make the hosts only, start nothing (with --hosts K: hosts h1..hK)
  --run-dir DIR    the run folder (default: run/netns-<timestamp>; down/status/exec/slow/fast: run/netns-current)
  --timeout S      seconds to wait for each process to be ready (default $TIMEOUT)

Environment: JAVA (default java), JAVA_OPTS (default "$JAVA_OPTS", after deploy/jvm.options),
  ROOMGATE_CLASSPATH (run the main classes from this classpath instead of the jars: for tests)
EOF
}

die() {
    printf '%s: error: %s\n' "$PROG" "$*" >&2
    exit 1
}

usage_error() {
    printf '%s: %s\n' "$PROG" "$*" >&2
    printf "Run '%s help' for usage.\n" "$PROG" >&2
    exit 2
}

require_int() {
    local name=$1 value=$2 min=$3 max=$4
    if [[ ! $value =~ ^[0-9]+$ ]] || ((10#$value < min || 10#$value > max)); then
        usage_error "$name: '$value' (expected: an integer $min..$max)"
    fi
}

require_root() {
    [[ $(id -u) == 0 ]] || die "needs root (network namespaces, veth and bridge links)"
    command -v ip >/dev/null 2>&1 || die "'ip' (iproute2) not found"
}

conf_get() {
    local run_dir=$1 key=$2
    [[ -f $run_dir/run.conf ]] || return 0
    awk -v k="$key" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }' "$run_dir/run.conf"
}

# host_field RUN_DIR NAME COLUMN: column 2 (namespace), 3 (address) or 4 (role) of a host.
host_field() {
    awk -v n="$2" -v c="$3" '$1 == n { print $c; exit }' "$1/hosts"
}

# ---------------------------------------------------------------------------------------------
# Network

# The first 10.213.S.0/24 (S in 20..249) that the root namespace has no route or address in.
free_subnet() {
    local s start=$((20 + $$ % 230)) i
    for ((i = 0; i < 230; i++)); do
        s=$((20 + (start - 20 + i) % 230))
        if [[ -z $(ip -4 route show to match "$NET_BASE.$s.1" | grep -v '^default' || true) ]]; then
            printf '%s\n' "$s"
            return 0
        fi
    done
    return 1
}

# make_bridge RUN_DIR: the bridge namespace, and the root link on its bridge.
make_bridge() {
    local run_dir=$1 prefix subnet root_link
    prefix=$(cat "$run_dir/prefix")
    subnet=$(conf_get "$run_dir" subnet)
    root_link=$(conf_get "$run_dir" root_link)
    ip netns add "$prefix-br"
    ip -n "$prefix-br" link set lo up
    ip -n "$prefix-br" link add br0 type bridge
    ip -n "$prefix-br" link set br0 up
    ip link add "$root_link" type veth peer name root netns "$prefix-br"
    ip -n "$prefix-br" link set root master br0 up
    ip addr add "$NET_BASE.$subnet.254/24" dev "$root_link"
    ip link set "$root_link" up
}

# make_host RUN_DIR NAME INDEX ROLE: namespace PREFIX-hINDEX, eth0 with .INDEX, its peer on br0.
make_host() {
    local run_dir=$1 name=$2 index=$3 role=$4 prefix subnet ns address
    prefix=$(cat "$run_dir/prefix")
    subnet=$(conf_get "$run_dir" subnet)
    ns="$prefix-h$index"
    address="$NET_BASE.$subnet.$index"
    ip netns add "$ns"
    printf '%s %s %s %s\n' "$name" "$ns" "$address" "$role" >>"$run_dir/hosts"
    ip -n "$ns" link set lo up
    ip link add eth0 netns "$ns" type veth peer name "h$index" netns "$prefix-br"
    ip -n "$ns" addr add "$address/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$prefix-br" link set "h$index" master br0 up
}

# Namespaces and root links named with PREFIX, as the system lists them now.
namespaces_of() {
    ip netns list 2>/dev/null | awk '{ print $1 }' | grep -E "^$1-(br|h[0-9]+)\$" || true
}

root_links_of() {
    local compact=${1//-/}
    ip -o link show 2>/dev/null | awk -F': ' '{ print $2 }' | sed 's/@.*//' | grep -E "^${compact}r\$" || true
}

# ---------------------------------------------------------------------------------------------
# Processes

# pid_ours RUN_DIR PID: true if PID is alive and its command line carries this run's marker.
pid_ours() {
    local run_dir=$1 pid=$2
    [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
    # Read whole before grep: with pipefail, grep -q leaving early would fail the pipeline (tr gets
    # SIGPIPE) once a command line (a test's classpath) outgrows the pipe's buffer.
    local args
    args=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    grep -qxF -e "-D$MARKER_PROP=$run_dir" -e "--$MARKER_PROP=$run_dir" <<<"$args"
}

# pid_running PID: alive and not a zombie. For a process just started, whose command line reads
# empty while nohup and `ip netns exec` exec their way to the java.
pid_running() {
    local pid=$1 stat
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat:0:1} != Z ]]
}

# launch RUN_DIR NAME JAR ARGS...: starts java in NAME's namespace; `ip netns exec` execs java, so
# the pid recorded is the java's.
launch() {
    local run_dir=$1 name=$2 jar=$3 ns
    shift 3
    ns=$(host_field "$run_dir" "$name" 2)
    local -a java_opts=() main=(-jar "$jar")
    read -r -a java_opts <<<"$JAVA_OPTS"
    if [[ -n ${ROOMGATE_CLASSPATH:-} ]]; then
        # A test's classpath instead of the jars, with the opens the jars' manifests grant Hazelcast.
        java_opts+=(--add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
            --add-opens java.management/sun.management=ALL-UNNAMED
            --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
            --add-exports java.base/jdk.internal.ref=ALL-UNNAMED)
        case $jar in
            "$NODE_JAR") main=(-cp "$ROOMGATE_CLASSPATH" roomgate.node.NodeMain) ;;
            *) main=(-cp "$ROOMGATE_CLASSPATH" roomgate.gateway.GatewayMain) ;;
        esac
    fi
    nohup ip netns exec "$ns" "$JAVA" "@$JVM_OPTIONS" "${java_opts[@]+"${java_opts[@]}"}" \
        "-D$MARKER_PROP=$run_dir" "${main[@]}" "$@" \
        </dev/null >"$run_dir/$name.out" 2>"$run_dir/$name.log" &
    local pid=$!
    printf '%s %s\n' "$name" "$pid" >>"$run_dir/pids"
    printf 'started %s in %s (%s, pid %s)\n' "$name" "$ns" "$(host_field "$run_dir" "$name" 3)" "$pid"
}

# wait_ready RUN_DIR NAME: until NAME printed its READY line; fails if it exits or times out.
wait_ready() {
    local run_dir=$1 name=$2 pid deadline=$((SECONDS + TIMEOUT))
    pid=$(awk -v n="$name" '$1 == n { print $2 }' "$run_dir/pids" | tail -n 1)
    until grep -q '^ROOMGATE-READY ' "$run_dir/$name.out" 2>/dev/null; do
        if ! pid_running "$pid"; then
            tail -n 20 "$run_dir/$name.log" >&2 || true
            die "$name (pid $pid) exited before it was ready; see $run_dir/$name.log"
        fi
        ((SECONDS < deadline)) || die "$name not ready within $TIMEOUT s; see $run_dir/$name.log"
        sleep 0.2
    done
    printf 'ready   %s\n' "$name"
}

# wait_health RUN_DIR GATEWAY NODES: until the gateway's admin API (/nodes) lists node-1..NODES.
wait_health() {
    local run_dir=$1 gw=$2 nodes=$3 address body i missing deadline=$((SECONDS + TIMEOUT))
    address=$(host_field "$run_dir" "$gw" 3)
    while :; do
        missing=0
        body=$(curl -fsS --max-time 3 -H "Authorization: Bearer $(cat "$run_dir/admin-token")" \
            "http://$address:$ADMIN_PORT/nodes" 2>/dev/null) || body=
        for ((i = 1; i <= nodes; i++)); do
            grep -q "\"node-$i\"" <<<"$body" || missing=1
        done
        ((missing)) || return 0
        ((SECONDS < deadline)) || die "$gw's admin API (/nodes) does not list the $nodes node(s) after $TIMEOUT s: ${body:-(no answer)}"
        sleep 0.5
    done
}

# stop_processes RUN_DIR: SIGTERM every recorded process that is ours, then SIGKILL the rest.
stop_processes() {
    local run_dir=$1 name pid deadline
    [[ -f $run_dir/pids ]] || return 0
    local -a ours=()
    while read -r name pid; do
        if pid_ours "$run_dir" "$pid"; then
            kill -CONT "$pid" 2>/dev/null || true # a paused process cannot act on SIGTERM
            kill -TERM "$pid" 2>/dev/null || true
            ours+=("$pid")
            printf 'stopping %s (pid %s)\n' "$name" "$pid"
        fi
    done <"$run_dir/pids"
    deadline=$((SECONDS + STOP_TIMEOUT))
    for pid in "${ours[@]+"${ours[@]}"}"; do
        while pid_ours "$run_dir" "$pid" && ((SECONDS < deadline)); do
            sleep 0.2
        done
        if pid_ours "$run_dir" "$pid"; then
            printf 'pid %s did not stop on SIGTERM; SIGKILL\n' "$pid"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
    for pid in "${ours[@]+"${ours[@]}"}"; do
        local until=$((SECONDS + 5))
        while pid_ours "$run_dir" "$pid" && ((SECONDS < until)); do
            sleep 0.1
        done
    done
}

# teardown RUN_DIR: processes first (a namespace lives on while a process is in it), then the
# namespaces and root link of the run's prefix.
teardown() {
    local run_dir=$1 prefix ns link
    stop_processes "$run_dir"
    rm -f -- "$run_dir"/slow-*
    [[ -f $run_dir/prefix ]] || return 0
    prefix=$(cat "$run_dir/prefix")
    [[ $prefix =~ ^rg-[0-9]+$ ]] || die "$run_dir/prefix: '$prefix' is not a prefix this script makes"
    for ns in $(namespaces_of "$prefix"); do
        ip netns del "$ns" 2>/dev/null || printf 'could not delete namespace %s\n' "$ns" >&2
    done
    # The root link went with its peer in the bridge namespace; this catches an up stopped halfway.
    for link in $(root_links_of "$prefix"); do
        ip link del "$link" 2>/dev/null || true
    done
    if [[ -n $(namespaces_of "$prefix") || -n $(root_links_of "$prefix") ]]; then
        die "left behind: namespaces [$(namespaces_of "$prefix" | xargs)] links [$(root_links_of "$prefix" | xargs)]"
    fi
    printf 'down: %s (prefix %s)\n' "$run_dir" "$prefix"
}

# ---------------------------------------------------------------------------------------------
# Commands

resolve_run_dir() {
    local given=$1
    if [[ -n $given ]]; then
        [[ -d $given ]] || die "no run folder $given"
        (cd -P -- "$given" && pwd)
    elif [[ -e $RUN_ROOT/netns-current ]]; then
        (cd -P -- "$RUN_ROOT/netns-current" && pwd)
    else
        die "no run: $RUN_ROOT/netns-current does not exist (give --run-dir)"
    fi
}

cmd_up() {
    local nodes=3 gateways=1 quorum="" net_only=0 hosts="" run_dir=""
    while (($# > 0)); do
        case $1 in
            --nodes | --gateways | --quorum | --hosts | --run-dir | --timeout)
                (($# >= 2)) || usage_error "$1 needs a value"
                ;;&
            --nodes) nodes=$2; shift 2 ;;
            --gateways) gateways=$2; shift 2 ;;
            --quorum) quorum=$2; shift 2 ;;
            --hosts) hosts=$2; shift 2 ;;
            --run-dir) run_dir=$2; shift 2 ;;
            --timeout) TIMEOUT=$2; shift 2 ;;
            --net-only) net_only=1; shift ;;
            -h | --help) usage; exit 0 ;;
            *) usage_error "up: unknown argument '$1'" ;;
        esac
    done
    require_int --nodes "$nodes" 1 50
    require_int --gateways "$gateways" 0 20
    require_int --timeout "$TIMEOUT" 1 3600
    [[ -z $quorum ]] || require_int --quorum "$quorum" 1 "$nodes"
    [[ -n $quorum ]] || quorum=$((nodes / 2 + 1))
    if ((net_only)); then
        [[ -n $hosts ]] || hosts=$((nodes + gateways))
        require_int --hosts "$hosts" 1 200
    else
        [[ -z $hosts ]] || usage_error "--hosts goes with --net-only"
        ((gateways >= 1)) || usage_error "--gateways: at least 1 (or --net-only)"
        hosts=$((nodes + gateways))
        [[ -n ${ROOMGATE_CLASSPATH:-} || (-f $NODE_JAR && -f $GATEWAY_JAR) ]] ||
            die "jars missing: build them first (mvn -q -B -DskipTests package -pl game-node,gateway -am)"
        command -v curl >/dev/null 2>&1 || die "curl not found (to ask the gateways' /health)"
    fi
    require_root

    if [[ -z $run_dir ]]; then
        mkdir -p -- "$RUN_ROOT"
        run_dir=$RUN_ROOT/netns-$(date +%Y%m%d-%H%M%S)-$$
        mkdir -- "$run_dir"
        ln -sfn -- "${run_dir##*/}" "$RUN_ROOT/netns-current"
    else
        mkdir -p -- "$run_dir"
        [[ ! -e $run_dir/prefix ]] || die "$run_dir already holds a run; down it or choose another folder"
    fi
    run_dir=$(cd -P -- "$run_dir" && pwd)

    local prefix="rg-$$" subnet
    [[ -z $(namespaces_of "$prefix") ]] || die "namespaces with prefix $prefix exist already"
    subnet=$(free_subnet) || die "no free subnet in $NET_BASE.20-249.0/24"
    printf '%s\n' "$prefix" >"$run_dir/prefix"
    : >"$run_dir/hosts"
    : >"$run_dir/pids"
    local cluster_name="roomgate-$prefix" members="" i
    cat >"$run_dir/run.conf" <<EOF
subnet=$subnet
root_link=${prefix//-/}r
root_address=$NET_BASE.$subnet.254
cluster_name=$cluster_name
quorum=$quorum
node_jar=$NODE_JAR
gateway_jar=$GATEWAY_JAR
started=$(date '+%Y-%m-%dT%H:%M:%S%z')
EOF

    # From here on, a failure or an interrupt takes down whatever was made.
    UP_RUN_DIR=$run_dir
    UP_OK=0
    trap 'up_cleanup' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    printf 'run folder %s (prefix %s, subnet %s.%s.0/24)\n' "$run_dir" "$prefix" "$NET_BASE" "$subnet"
    make_bridge "$run_dir"
    if ((net_only)); then
        for ((i = 1; i <= hosts; i++)); do
            make_host "$run_dir" "h$i" "$i" host
        done
        UP_OK=1
        printf 'hosts up (no processes): %s\n' "$run_dir/hosts"
        return 0
    fi
    for ((i = 1; i <= nodes; i++)); do
        make_host "$run_dir" "node-$i" "$i" node
    done
    for ((i = 1; i <= gateways; i++)); do
        make_host "$run_dir" "gw-$i" $((nodes + i)) gateway
    done
    members=$(awk -v p="$HZ_PORT" '{ printf "%s%s:%s", (NR > 1 ? "," : ""), $3, p }' "$run_dir/hosts")

    # The run's secrets, in its folder only: the link secret every process proves its links with, and
    # the admin API's token. Clients are anonymous (--auth none): these hosts are for fault and load
    # tests, whose clients carry no tokens.
    (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$run_dir/link-secret")
    (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$run_dir/admin-token")
    local address
    hz_args() {
        printf '%s\n' --cluster-name "$cluster_name" --hz-host "$1" --hz-port "$HZ_PORT" \
            --hz-members "$members" --quorum-size "$quorum" --archive-jdbc-url none \
            --link-secret-file "$run_dir/link-secret" --admin-token-file "$run_dir/admin-token"
    }
    # One at a time: JVMs booting together on a small machine stall each other long enough for
    # Hazelcast to suspect members that are merely slow to start.
    for ((i = 1; i <= nodes; i++)); do
        address=$(host_field "$run_dir" "node-$i" 3)
        mapfile -t hz < <(hz_args "$address")
        launch "$run_dir" "node-$i" "$NODE_JAR" --node-id "node-$i" --link-host "$address" \
            --link-port "$LINK_PORT" --metrics-host "$address" --metrics-port "$METRICS_PORT" "${hz[@]}"
        wait_ready "$run_dir" "node-$i"
    done
    for ((i = 1; i <= gateways; i++)); do
        address=$(host_field "$run_dir" "gw-$i" 3)
        mapfile -t hz < <(hz_args "$address")
        launch "$run_dir" "gw-$i" "$GATEWAY_JAR" --gateway-id "gw-$i" --host "$address" --port "$CLIENT_PORT" \
            --admin-host "$address" --admin-port "$ADMIN_PORT" --auth none "${hz[@]}"
        wait_ready "$run_dir" "gw-$i"
        wait_health "$run_dir" "gw-$i" "$nodes"
    done
    UP_OK=1
    printf '\nroomgate is up on %s host(s), cluster %s, quorum %s\n' "$hosts" "$cluster_name" "$quorum"
    while read -r name _ns address role; do
        case $role in
            gateway) printf '  %-8s ws://%s:%s/ws  admin http://%s:%s/nodes\n' "$name" "$address" "$CLIENT_PORT" "$address" "$ADMIN_PORT" ;;
            *) printf '  %-8s %s (links :%s, metrics :%s)\n' "$name" "$address" "$LINK_PORT" "$METRICS_PORT" ;;
        esac
    done <"$run_dir/hosts"
    printf 'run folder %s; stop it with: %s down --run-dir %s\n' "$run_dir" "$0" "$run_dir"
}

up_cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if ((UP_OK == 0)) && [[ -n ${UP_RUN_DIR:-} ]]; then
        printf '%s: up failed; taking down what was made\n' "$PROG" >&2
        teardown "$UP_RUN_DIR" >&2 || true
        ((rc != 0)) || rc=1
    fi
    exit "$rc"
}

parse_run_dir_only() {
    local cmd=$1 run_dir=""
    shift
    while (($# > 0)); do
        case $1 in
            --run-dir) (($# >= 2)) || usage_error "--run-dir needs a value"; run_dir=$2; shift 2 ;;
            *) usage_error "$cmd: unknown argument '$1'" ;;
        esac
    done
    resolve_run_dir "$run_dir"
}

cmd_down() {
    local run_dir
    run_dir=$(parse_run_dir_only down "$@")
    require_root
    teardown "$run_dir"
}

cmd_status() {
    local run_dir prefix name ns address role pid state rc=0
    run_dir=$(parse_run_dir_only status "$@")
    prefix=$(cat "$run_dir/prefix" 2>/dev/null) || die "$run_dir holds no run"
    printf 'run folder %s, prefix %s, subnet %s.%s.0/24\n' "$run_dir" "$prefix" "$NET_BASE" "$(conf_get "$run_dir" subnet)"
    printf '%-8s %-14s %-14s %-8s %-8s %s\n' NAME NAMESPACE ADDRESS ROLE PID STATE
    while read -r name ns address role; do
        pid=$(awk -v n="$name" '$1 == n { print $2 }' "$run_dir/pids" | tail -n 1)
        if [[ -z $pid ]]; then
            state="-"
        elif pid_ours "$run_dir" "$pid"; then
            state=alive
        else
            state=dead
            rc=1
        fi
        namespaces_of "$prefix" | grep -qxF "$ns" || { state="$state (no namespace)"; rc=1; }
        [[ ! -f $run_dir/slow-$name ]] || state="$state (slow: $(awk -F= '$1 == "settings" { print $2 }' "$run_dir/slow-$name"))"
        printf '%-8s %-14s %-14s %-8s %-8s %s\n' "$name" "$ns" "$address" "$role" "${pid:--}" "$state"
        if [[ $role == gateway ]]; then
            curl -fsS --max-time 3 "http://$address:$CLIENT_PORT/health" 2>/dev/null || printf '(no /health answer)'
            printf '\n'
        fi
    done <"$run_dir/hosts"
    return "$rc"
}

cmd_exec() {
    local run_dir="" name ns
    if [[ ${1:-} == --run-dir ]]; then
        (($# >= 2)) || usage_error "--run-dir needs a value"
        run_dir=$2
        shift 2
    fi
    (($# >= 2)) || usage_error "exec HOST COMMAND..."
    run_dir=$(resolve_run_dir "$run_dir")
    name=$1
    shift
    ns=$(host_field "$run_dir" "$name" 2)
    [[ -n $ns ]] || die "no host '$name' in $run_dir/hosts"
    require_root
    exec ip netns exec "$ns" "$@"
}

# stop_pid RUN_DIR PID: SIGTERM a process of this run, SIGKILL it if it has not gone within STOP_TIMEOUT.
stop_pid() {
    local run_dir=$1 pid=$2 deadline=$((SECONDS + STOP_TIMEOUT))
    pid_ours "$run_dir" "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    while pid_ours "$run_dir" "$pid" && ((SECONDS < deadline)); do
        sleep 0.1
    done
    if pid_ours "$run_dir" "$pid"; then
        printf 'pid %s did not stop on SIGTERM; SIGKILL\n' "$pid"
        kill -KILL "$pid" 2>/dev/null || true
    fi
}

# host_ns RUN_DIR NAME: the namespace of a host, or dies.
host_ns() {
    local ns
    ns=$(host_field "$1" "$2" 2)
    [[ -n $ns ]] || die "no host '$2' in $1/hosts"
    printf '%s\n' "$ns"
}

# unslow RUN_DIR NAME: HOST's address and routes back on eth0, the emulator stopped, its state gone.
# Safe to run on a half-made slow link and on one whose emulator died (its devices went with it).
unslow() {
    local run_dir=$1 name=$2 ns address pid state=$1/slow-$2
    ns=$(host_ns "$run_dir" "$name")
    address=$(host_field "$run_dir" "$name" 3)
    ip -n "$ns" link set eth0 up
    ip -n "$ns" addr del "$address/24" dev "$SLOW_TAP" 2>/dev/null || true
    pid=$(awk -F= '$1 == "pid" { print $2 }' "$state" 2>/dev/null || true)
    [[ -z $pid ]] || stop_pid "$run_dir" "$pid"
    rm -f -- "$state"
}

cmd_slow() {
    local run_dir="" name="" ns address prefix outside mac mtu pid deadline
    local -a emu=()
    while (($# > 0)); do
        case $1 in
            --run-dir | --delay | --jitter | --distribution | --loss | --rate | --seed)
                (($# >= 2)) || usage_error "$1 needs a value"
                ;;&
            --run-dir) run_dir=$2; shift 2 ;;
            --delay | --jitter | --distribution | --loss | --rate | --seed) emu+=("$1" "$2"); shift 2 ;;
            --reorder) emu+=(--reorder); shift ;;
            -h | --help) usage; exit 0 ;;
            -*) usage_error "slow: unknown argument '$1'" ;;
            *) [[ -z $name ]] || usage_error "slow: one HOST only"; name=$1; shift ;;
        esac
    done
    [[ -n $name ]] || usage_error "slow HOST [--delay D] [--jitter J] [--loss L] ..."
    run_dir=$(resolve_run_dir "$run_dir")
    require_root
    command -v python3 >/dev/null 2>&1 || die "python3 not found (slowlink.py)"
    ns=$(host_ns "$run_dir" "$name")
    address=$(host_field "$run_dir" "$name" 3)
    [[ ! -e $run_dir/slow-$name ]] || die "$name is slow already ('$PROG fast $name' first)"
    prefix=$(cat "$run_dir/prefix")
    # The bridge's end is named after the host's index: unique within the run's bridge namespace.
    outside="s${ns##*-h}"
    mac=$(ip -n "$ns" -o link show eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
    mtu=$(ip -n "$ns" -o link show eth0 | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
    [[ -n $mac && -n $mtu ]] || die "$name: no eth0 in $ns"

    # Below nice 0: the frames' timing should be the emulator's, not the scheduler's on a busy machine.
    nohup nice -n -5 python3 "$SLOWLINK" --inside-netns "$ns" --inside-tap "$SLOW_TAP" \
        --outside-netns "$prefix-br" --outside-tap "$outside" "${emu[@]+"${emu[@]}"}" \
        "--$MARKER_PROP=$run_dir" </dev/null >"$run_dir/slowlink-$name.out" 2>"$run_dir/slowlink-$name.log" &
    pid=$!
    printf 'slowlink-%s %s\n' "$name" "$pid" >>"$run_dir/pids"
    printf 'pid=%s\ninside=%s/%s\noutside=%s/%s\nsettings=%s\n' "$pid" "$ns" "$SLOW_TAP" "$prefix-br" "$outside" \
        "${emu[*]+"${emu[*]}"}" >"$run_dir/slow-$name"
    # From here on, a failure puts the host back on eth0 and stops the emulator.
    SLOW_RUN_DIR=$run_dir
    SLOW_NAME=$name
    SLOW_OK=0
    trap 'slow_cleanup' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    deadline=$((SECONDS + 15))
    until grep -q '^SLOWLINK-READY ' "$run_dir/slowlink-$name.out" 2>/dev/null; do
        if ! pid_running "$pid"; then
            cat "$run_dir/slowlink-$name.log" >&2 || true
            die "slowlink.py (pid $pid) exited before it was ready; see $run_dir/slowlink-$name.log"
        fi
        ((SECONDS < deadline)) || die "slowlink.py not ready within 15 s"
        sleep 0.1
    done
    ip -n "$prefix-br" link set "$outside" mtu "$mtu" master br0 up
    # eth0's MAC: the neighbours' ARP entries for the host stay right.
    ip -n "$ns" link set "$SLOW_TAP" address "$mac" mtu "$mtu" up
    ip -n "$ns" addr add "$address/24" dev "$SLOW_TAP"
    # The host's own neighbour entries, so that its first frames need no ARP round through the delay.
    local neighbour lladdr
    while read -r neighbour _ lladdr _; do
        [[ $lladdr =~ ^[0-9a-f:]{17}$ ]] || continue
        ip -n "$ns" neigh replace "$neighbour" lladdr "$lladdr" dev "$SLOW_TAP" nud stale 2>/dev/null || true
    done < <(ip -n "$ns" -4 neigh show dev eth0 2>/dev/null)
    # eth0 down takes its routes with it: from now on the host's traffic goes through slow0. Its
    # address stays on eth0 for fast.
    ip -n "$ns" link set eth0 down
    SLOW_OK=1
    printf 'slow: %s (%s) through slowlink.py pid %s: %s\n' "$name" "$address" "$pid" "${emu[*]+"${emu[*]}"}"
}

slow_cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if ((SLOW_OK == 0)) && [[ -n ${SLOW_RUN_DIR:-} ]]; then
        printf '%s: slow failed; %s back on eth0\n' "$PROG" "$SLOW_NAME" >&2
        unslow "$SLOW_RUN_DIR" "$SLOW_NAME" >&2 || true
        ((rc != 0)) || rc=1
    fi
    exit "$rc"
}

cmd_fast() {
    local run_dir="" name=""
    while (($# > 0)); do
        case $1 in
            --run-dir) (($# >= 2)) || usage_error "--run-dir needs a value"; run_dir=$2; shift 2 ;;
            -*) usage_error "fast: unknown argument '$1'" ;;
            *) [[ -z $name ]] || usage_error "fast: one HOST only"; name=$1; shift ;;
        esac
    done
    [[ -n $name ]] || usage_error "fast HOST"
    run_dir=$(resolve_run_dir "$run_dir")
    require_root
    host_ns "$run_dir" "$name" >/dev/null
    [[ -e $run_dir/slow-$name ]] || die "$name is not slow"
    unslow "$run_dir" "$name"
    grep '^SLOWLINK-STATS ' "$run_dir/slowlink-$name.out" 2>/dev/null || true
    printf 'fast: %s back on eth0\n' "$name"
}

main() {
    (($# > 0)) || { usage >&2; exit 2; }
    local cmd=$1
    shift
    case $cmd in
        up) cmd_up "$@" ;;
        down) cmd_down "$@" ;;
        status) cmd_status "$@" ;;
        exec) cmd_exec "$@" ;;
        slow) cmd_slow "$@" ;;
        fast) cmd_fast "$@" ;;
        help | -h | --help) usage ;;
        *) usage_error "unknown command '$cmd'" ;;
    esac
}

main "$@"
