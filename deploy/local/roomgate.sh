#!/usr/bin/env bash
# roomgate.sh — run a local roomgate cluster (N game nodes + 1 gateway) on loopback.
#
#   roomgate.sh up [--nodes N] [--port P] [--cluster-name NAME] [--hz-port P] [--timeout S] [--build]
#   roomgate.sh status
#   roomgate.sh down
#   roomgate.sh logs [NAME] [--lines N] [--no-follow]
#
# Each run lives in run/<timestamp>/ under the repository root (run/current points to the last one):
#   pids          "name pid" lines, one per process started
#   NAME.out      the process's stdout (holds its ROOMGATE-READY line)
#   NAME.log      the process's stderr (its log)
#   NAME.ready    the READY line's fields, "key=value" lines
#   run.conf      how the run was started (cluster name, ports, jars)
#   admin-token   the admin API's bearer token (mode 600), made by up for this run
# Processes are stopped by pid only, and only after /proc/PID/cmdline shows they are the java we
# started for this run (its jar and the -Droomgate.launcher.run=RUN_DIR marker).
set -euo pipefail

readonly PROG=${0##*/}
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
REPO_ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd)
readonly REPO_ROOT
readonly RUN_ROOT="$REPO_ROOT/run"
readonly NODE_JAR="$REPO_ROOT/game-node/target/roomgate-node.jar"
readonly GATEWAY_JAR="$REPO_ROOT/gateway/target/roomgate-gateway.jar"
readonly JVM_OPTIONS="$REPO_ROOT/deploy/jvm.options"   # always used; JAVA_OPTS come after it
readonly LOOPBACK=127.0.0.1
readonly MARKER_PROP=roomgate.launcher.run
readonly STOP_TIMEOUT=10

JAVA=${JAVA:-java}
TIMEOUT=${TIMEOUT:-60}
JAVA_OPTS=${JAVA_OPTS:--Xmx512m}
MVN=${MVN:-mvn}

usage() {
    cat <<EOF
Usage: $PROG COMMAND [OPTIONS]

Runs a local roomgate cluster on $LOOPBACK: N game nodes and one gateway.

Commands:
  up        build if needed, start the nodes then the gateway, wait until the admin API lists every node
  status    show each process of the current run (pid, alive/dead, ports) and the admin API's /nodes
  drain N   drain node N (e.g. node-2): its rooms move to other nodes while their clients stay connected
  down      stop the processes of the current run (SIGTERM, then SIGKILL after ${STOP_TIMEOUT} s)
  logs      follow the logs of the current run (all processes, or NAME: node-1.., gw-1/gateway)
  token     print a client token (JWT) of the current run: token --player NAME
  help      show this help

Options for up:
  --nodes N            game nodes to start (default 3)
  --port P             gateway WebSocket/HTTP port (default 8080)
  --cluster-name NAME  Hazelcast cluster name (default roomgate-local-\$USER)
  --hz-port P          first Hazelcast port; members auto-increment from it (default 5701)
  --timeout S          seconds to wait for each step (default 60)
  --build              run 'mvn -q -B -DskipTests package' first (also done when a jar is missing)

Options for logs:
  --lines N            lines of history to show (default 50)
  --no-follow          print and exit instead of following

Environment:
  JAVA       java command (default: java)
  JAVA_OPTS  JVM options (default: -Xmx512m), after those every server gets from deploy/jvm.options
  MVN        maven command (default: mvn)

Files: run/<timestamp>/ under $REPO_ROOT; run/current points to the latest run.
EOF
}

die() {
    printf '%s: error: %s\n' "$PROG" "$*" >&2
    exit 1
}

warn() {
    printf '%s: warning: %s\n' "$PROG" "$*" >&2
}

usage_error() {
    printf '%s: %s\n' "$PROG" "$*" >&2
    printf "Run '%s --help' for usage.\n" "$PROG" >&2
    exit 2
}

# require_int NAME VALUE MIN MAX
require_int() {
    local name=$1 value=$2 min=$3 max=$4
    if [[ ! $value =~ ^[0-9]+$ ]] || ((10#$value < min || 10#$value > max)); then
        usage_error "$name: '$value' (expected: an integer $min..$max)"
    fi
}

# ---------------------------------------------------------------------------------------------
# Processes

# The arguments of PID, one per line; fails if they cannot be read.
proc_args() {
    local pid=$1
    if [[ -r /proc/$pid/cmdline ]]; then
        tr '\0' '\n' <"/proc/$pid/cmdline"
    elif [[ ! -d /proc/self ]]; then
        # No procfs (not Linux): ps gives one string; arguments with spaces are split wrongly.
        ps -o args= -p "$pid" | tr ' ' '\n'
    else
        return 1
    fi
}

# pid_state RUN_DIR NAME PID: prints "ours" (alive, our java for this run), "foreign" (pid alive
# but it is some other process: the pid was reused), or "dead" (gone, or a zombie).
pid_state() {
    local run_dir=$1 name=$2 pid=$3 jar args
    [[ $pid =~ ^[0-9]+$ ]] || { echo dead; return; }
    if ! kill -0 "$pid" 2>/dev/null && [[ ! -d /proc/$pid ]]; then
        echo dead
        return
    fi
    args=$(proc_args "$pid" 2>/dev/null) || args=
    if [[ -z $args ]]; then
        echo dead # exited but not yet reaped (zombie), or vanished meanwhile
        return
    fi
    jar=$(jar_of "$run_dir" "$name")
    if grep -qxF -- "$jar" <<<"$args" && grep -qxF -- "-D$MARKER_PROP=$run_dir" <<<"$args"; then
        echo ours
    else
        echo foreign
    fi
}

# The jar a process of RUN_DIR was started from, as recorded in run.conf.
jar_of() {
    local run_dir=$1 name=$2 key
    case $name in
        gw-*) key=gateway_jar ;;
        *) key=node_jar ;;
    esac
    conf_get "$run_dir" "$key"
}

conf_get() {
    local run_dir=$1 key=$2
    [[ -f $run_dir/run.conf ]] || return 0
    awk -v k="$key" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }' "$run_dir/run.conf"
}

# ready_field FILE KEY: one field of a NAME.ready file.
ready_field() {
    local file=$1 key=$2
    [[ -f $file ]] || return 0
    awk -v k="$key" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }' "$file"
}

# Prints "name pid" lines of RUN_DIR's pids file.
read_pids() {
    local run_dir=$1
    [[ -f $run_dir/pids ]] || return 0
    awk 'NF >= 2 { print $1, $2 }' "$run_dir/pids"
}

# True if any process of RUN_DIR is alive and ours.
run_alive() {
    local run_dir=$1 name pid
    while read -r name pid; do
        if [[ $(pid_state "$run_dir" "$name" "$pid") == ours ]]; then
            return 0
        fi
    done < <(read_pids "$run_dir")
    return 1
}

# stop_group RUN_DIR NAME... : SIGTERM those of NAMEs that are ours, wait up to STOP_TIMEOUT s,
# SIGKILL those still alive (after checking again that they are ours).
stop_group() {
    local run_dir=$1
    shift
    local -a waiting=()
    local name pid state deadline
    declare -A pid_of=()
    while read -r name pid; do
        pid_of[$name]=$pid
    done < <(read_pids "$run_dir")

    for name in "$@"; do
        pid=${pid_of[$name]}
        state=$(pid_state "$run_dir" "$name" "$pid")
        case $state in
            ours)
                printf 'stopping %s (pid %s)\n' "$name" "$pid"
                kill -TERM "$pid" 2>/dev/null || true
                waiting+=("$name")
                ;;
            foreign)
                warn "$name: pid $pid is now another process (its command line is not $(jar_of "$run_dir" "$name") for this run); not signalling it"
                ;;
            *)
                printf '%s (pid %s) is not running\n' "$name" "$pid"
                ;;
        esac
    done

    deadline=$((SECONDS + STOP_TIMEOUT))
    while ((${#waiting[@]} > 0 && SECONDS < deadline)); do
        sleep 0.2
        local -a still=()
        for name in "${waiting[@]}"; do
            if [[ $(pid_state "$run_dir" "$name" "${pid_of[$name]}") == ours ]]; then
                still+=("$name")
            else
                printf 'stopped %s\n' "$name"
            fi
        done
        waiting=("${still[@]+"${still[@]}"}")
    done

    for name in "${waiting[@]+"${waiting[@]}"}"; do
        pid=${pid_of[$name]}
        if [[ $(pid_state "$run_dir" "$name" "$pid") == ours ]]; then
            warn "$name (pid $pid) did not stop within ${STOP_TIMEOUT} s of SIGTERM; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            deadline=$((SECONDS + 3))
            while [[ $(pid_state "$run_dir" "$name" "$pid") == ours ]] && ((SECONDS < deadline)); do
                sleep 0.1
            done
            if [[ $(pid_state "$run_dir" "$name" "$pid") == ours ]]; then
                warn "$name (pid $pid) is still alive after SIGKILL"
            else
                printf 'killed %s\n' "$name"
            fi
        fi
    done
}

# Stops every process of RUN_DIR: the gateway first, then the nodes (last started first).
stop_run() {
    local run_dir=$1 name pid
    local -a gateway_names=() node_names=()
    while read -r name pid; do
        case $name in
            gw-*) gateway_names+=("$name") ;;
            *) node_names=("$name" "${node_names[@]+"${node_names[@]}"}") ;;
        esac
    done < <(read_pids "$run_dir")
    if ((${#gateway_names[@]} > 0)); then
        stop_group "$run_dir" "${gateway_names[@]}"
    fi
    if ((${#node_names[@]} > 0)); then
        stop_group "$run_dir" "${node_names[@]}"
    fi
}

# ---------------------------------------------------------------------------------------------
# Loopback probes

# True if something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() {
    local port=$1
    # shellcheck disable=SC2016 # expanded by the inner bash
    if command -v timeout >/dev/null 2>&1; then
        timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$LOOPBACK" "$port" 2>/dev/null
    else
        bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$LOOPBACK" "$port" 2>/dev/null
    fi
}

# http_request METHOD PORT PATH [TOKEN_FILE]: prints the body of an HTTP request to 127.0.0.1:PORT
# (with the bearer token in TOKEN_FILE, for the admin API); fails unless the answer is 2xx.
http_request() {
    local method=$1 port=$2 path=$3 token_file=${4:-}
    local auth=""
    if [[ -n $token_file ]]; then
        auth="Authorization: Bearer $(<"$token_file")"
    fi
    if command -v curl >/dev/null 2>&1; then
        if [[ -n $auth ]]; then
            # The header from stdin, so the token shows in no process list.
            curl -fsS --max-time 5 -X "$method" -H @- "http://$LOOPBACK:$port$path" <<<"$auth"
        else
            curl -fsS --max-time 5 -X "$method" "http://$LOOPBACK:$port$path"
        fi
        return
    fi
    # Fallback: plain HTTP/1.0 over bash's /dev/tcp (no chunked decoding: fine for small JSON).
    local response
    # shellcheck disable=SC2016 # expanded by the inner bash
    response=$(timeout 5 bash -c '
        exec 3<>"/dev/tcp/$0/$1" || exit 1
        printf "%s %s HTTP/1.0\r\nHost: %s:%s\r\n%sContent-Length: 0\r\nConnection: close\r\n\r\n" "$2" "$3" "$0" "$1" "$4" >&3
        cat <&3' "$LOOPBACK" "$port" "$method" "$path" "${auth:+$auth$'\r\n'}" 2>/dev/null) || return 1
    response=${response//$'\r'/}
    [[ ${response%%$'\n'*} =~ ^HTTP/[0-9.]+\ 2[0-9][0-9] ]] || return 1
    printf '%s\n' "${response#*$'\n\n'}"
}

# Prints the body of GET http://127.0.0.1:PORT/health; fails unless the answer is 200.
http_health() {
    http_request GET "$1" /health
}

# The nodeId values of a /nodes JSON body (admin API), one per line.
health_node_ids() {
    grep -o '"nodeId"[[:space:]]*:[[:space:]]*"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/' || true
}

# ---------------------------------------------------------------------------------------------
# up

current_run() {
    [[ -L $RUN_ROOT/current || -d $RUN_ROOT/current ]] || return 1
    local dir
    dir=$(cd -P -- "$RUN_ROOT/current" 2>/dev/null && pwd) || return 1
    printf '%s\n' "$dir"
}

ensure_jars() {
    local build=$1
    if ((build)) || [[ ! -f $NODE_JAR || ! -f $GATEWAY_JAR ]]; then
        command -v "$MVN" >/dev/null 2>&1 || die "'$MVN' not found; cannot build the jars (set MVN, or build them yourself)"
        printf 'building: (cd %s && %s -q -B -DskipTests package)\n' "$REPO_ROOT" "$MVN"
        (cd -- "$REPO_ROOT" && "$MVN" -q -B -DskipTests package) || die "the build failed (see the maven output above)"
    fi
    [[ -f $NODE_JAR ]] || die "the build did not produce $NODE_JAR"
    [[ -f $GATEWAY_JAR ]] || die "the build did not produce $GATEWAY_JAR"
}

# launch RUN_DIR NAME JAR ARGS... : starts one java process in the background, records its pid.
launch() {
    local run_dir=$1 name=$2 jar=$3
    shift 3
    local -a java_opts=()
    read -r -a java_opts <<<"$JAVA_OPTS"
    nohup "$JAVA" "@$JVM_OPTIONS" "${java_opts[@]+"${java_opts[@]}"}" "-D$MARKER_PROP=$run_dir" -jar "$jar" "$@" \
        </dev/null >"$run_dir/$name.out" 2>"$run_dir/$name.log" 9>&- &
    local pid=$!
    printf '%s %s\n' "$name" "$pid" >>"$run_dir/pids"
    printf 'started %s (pid %s)\n' "$name" "$pid"
}

# fail_with_log NAME LOGFILE MESSAGE: dies, showing the tail of the log.
fail_with_log() {
    local name=$1 log=$2 msg=$3
    printf '%s: error: %s\n' "$PROG" "$msg" >&2
    if [[ -s $log ]]; then
        printf -- '--- last lines of %s ---\n' "$log" >&2
        tail -n 20 -- "$log" >&2
        printf -- '---\n' >&2
    fi
    printf '%s: read %s for the full log of %s\n' "$PROG" "$log" "$name" >&2
    exit 1
}

# wait_ready RUN_DIR DEADLINE NAME... : waits until each NAME printed its READY line (by SECONDS
# == DEADLINE at the latest), then writes NAME.ready.
wait_ready() {
    local run_dir=$1 deadline=$2
    shift 2
    local -a waiting=("$@")
    local name pid line rc
    declare -A pid_of=()
    while read -r name pid; do
        pid_of[$name]=$pid
    done < <(read_pids "$run_dir")

    while ((${#waiting[@]} > 0)); do
        local -a still=()
        for name in "${waiting[@]}"; do
            line=$(grep -m1 '^ROOMGATE-READY ' "$run_dir/$name.out" 2>/dev/null || true)
            line=${line%$'\r'}
            if [[ -n $line ]]; then
                write_ready "$run_dir" "$name" "$line"
                continue
            fi
            pid=${pid_of[$name]}
            if [[ $(pid_state "$run_dir" "$name" "$pid") != ours ]]; then
                rc=0
                wait "$pid" 2>/dev/null || rc=$?
                fail_with_log "$name" "$run_dir/$name.log" "$name (pid $pid) exited with status $rc before it was ready"
            fi
            still+=("$name")
        done
        waiting=("${still[@]+"${still[@]}"}")
        ((${#waiting[@]} > 0)) || break
        if ((SECONDS >= deadline)); then
            name=${waiting[0]}
            fail_with_log "$name" "$run_dir/$name.log" \
                "$name did not print its ROOMGATE-READY line within $TIMEOUT s (waiting for: ${waiting[*]})"
        fi
        sleep 0.2
    done
}

write_ready() {
    local run_dir=$1 name=$2 line=$3 part
    local -a parts=()
    read -r -a parts <<<"$line"
    {
        for part in "${parts[@]:1}"; do
            [[ $part == *=* ]] && printf '%s\n' "$part"
        done
    } >"$run_dir/$name.ready"
    local ready_pid recorded
    ready_pid=$(ready_field "$run_dir/$name.ready" pid)
    recorded=$(awk -v n="$name" '$1 == n { print $2; exit }' "$run_dir/pids")
    if [[ -n $ready_pid && $ready_pid != "$recorded" ]]; then
        warn "$name: READY says pid=$ready_pid but the launcher recorded pid $recorded"
    fi
    printf 'ready   %s: %s\n' "$name" "${parts[*]:1}"
}

# wait_health RUN_DIR PORT ADMIN_PORT DEADLINE NODE_ID... : waits until /health answers and the
# admin API's /nodes lists every NODE_ID (the public /health shows counts only).
wait_health() {
    local run_dir=$1 port=$2 admin_port=$3 deadline=$4
    shift 4
    local body="" id missing listed
    while :; do
        if [[ $(pid_state "$run_dir" gw-1 "$(awk '$1 == "gw-1" { print $2; exit }' "$run_dir/pids")") != ours ]]; then
            fail_with_log gw-1 "$run_dir/gw-1.log" "the gateway exited while waiting for /health to list the nodes"
        fi
        missing=()
        if http_health "$port" >/dev/null 2>&1 \
            && body=$(http_request GET "$admin_port" /nodes "$run_dir/admin-token" 2>/dev/null); then
            listed=$(health_node_ids <<<"$body")
            for id in "$@"; do
                grep -qxF -- "$id" <<<"$listed" || missing+=("$id")
            done
            if ((${#missing[@]} == 0)); then
                local count
                count=$(grep -c . <<<"$listed" || true)
                if ((count > $#)); then
                    warn "/nodes lists $count nodes, more than the $# started by this run: is another cluster named '$CLUSTER_NAME' running?"
                fi
                printf '%s\n' "$body" >"$run_dir/nodes.json"
                return 0
            fi
        else
            missing=("$@")
            body="(no answer)"
        fi
        if ((SECONDS >= deadline)); then
            fail_with_log gw-1 "$run_dir/gw-1.log" \
                "http://$LOOPBACK:$admin_port/nodes did not list node(s) ${missing[*]} within $TIMEOUT s; last answer: $body"
        fi
        sleep 0.5
    done
}

cmd_up() {
    local nodes=3 port=8080 build=0 hz_port=5701
    CLUSTER_NAME="roomgate-local-${USER:-$(id -un)}"
    TIMEOUT=60
    while (($# > 0)); do
        case $1 in
            --nodes | --port | --cluster-name | --hz-port | --timeout)
                (($# >= 2)) || usage_error "$1 needs a value"
                ;;&
            --nodes) nodes=$2; shift 2 ;;
            --port) port=$2; shift 2 ;;
            --cluster-name) CLUSTER_NAME=$2; shift 2 ;;
            --hz-port) hz_port=$2; shift 2 ;;
            --timeout) TIMEOUT=$2; shift 2 ;;
            --nodes=*) nodes=${1#*=}; shift ;;
            --port=*) port=${1#*=}; shift ;;
            --cluster-name=*) CLUSTER_NAME=${1#*=}; shift ;;
            --hz-port=*) hz_port=${1#*=}; shift ;;
            --timeout=*) TIMEOUT=${1#*=}; shift ;;
            --build) build=1; shift ;;
            -h | --help) usage; exit 0 ;;
            *) usage_error "up: unknown argument '$1'" ;;
        esac
    done
    require_int --nodes "$nodes" 1 50
    require_int --port "$port" 1 65535
    require_int --hz-port "$hz_port" 1 65400
    require_int --timeout "$TIMEOUT" 1 3600
    nodes=$((10#$nodes)) port=$((10#$port)) hz_port=$((10#$hz_port)) TIMEOUT=$((10#$TIMEOUT))
    [[ $CLUSTER_NAME =~ ^[A-Za-z0-9._-]+$ ]] || usage_error "--cluster-name: '$CLUSTER_NAME' (expected: letters, digits, . _ -)"

    command -v "$JAVA" >/dev/null 2>&1 || die "java not found: '$JAVA' (set JAVA)"
    command -v curl >/dev/null 2>&1 || warn "curl not found; probing /health over bash /dev/tcp"
    mkdir -p -- "$RUN_ROOT"

    # One 'up' at a time (flock is absent on some systems; then this is best effort).
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$RUN_ROOT/.lock"
        flock -n 9 || die "another '$PROG up' is running"
    fi

    local current
    if current=$(current_run) && run_alive "$current"; then
        die "a run is already up in $current; '$PROG status' shows it, '$PROG down' stops it"
    fi
    if port_in_use "$port"; then
        die "port $port on $LOOPBACK is already in use; choose another with --port"
    fi
    # Members take the first free port from hz_port up; the join list must cover them all.
    local members=$((nodes + 1)) span hz_last free=0 p
    span=$((2 * members > 10 ? 2 * members : 10))
    ((span <= 100)) || span=100
    hz_last=$((hz_port + span - 1))
    for ((p = hz_port; p <= hz_last && free < members; p++)); do
        port_in_use "$p" || free=$((free + 1))
    done
    ((free >= members)) || die "fewer than $members free ports in $LOOPBACK:$hz_port-$hz_last for Hazelcast; choose another range with --hz-port"
    local hz_members="$LOOPBACK:$hz_port-$hz_last"

    ensure_jars "$build"

    local stamp run_dir
    stamp=$(date +%Y%m%d-%H%M%S)
    run_dir=$RUN_ROOT/$stamp
    local n=1
    while ! mkdir -- "$run_dir" 2>/dev/null; do
        n=$((n + 1))
        run_dir=$RUN_ROOT/$stamp-$n
        ((n < 100)) || die "cannot create a run folder under $RUN_ROOT"
    done
    ln -sfn -- "${run_dir##*/}" "$RUN_ROOT/current"
    : >"$run_dir/pids"
    cat >"$run_dir/run.conf" <<EOF
cluster_name=$CLUSTER_NAME
port=$port
nodes=$nodes
hz_port=$hz_port
hz_members=$hz_members
node_jar=$NODE_JAR
gateway_jar=$GATEWAY_JAR
java=$JAVA
java_opts=$JAVA_OPTS
started=$(date '+%Y-%m-%dT%H:%M:%S%z')
EOF

    # From here on, a failure or an interrupt stops whatever was started.
    UP_RUN_DIR=$run_dir
    UP_OK=0
    trap 'up_cleanup' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    printf 'run folder %s (cluster %s, hazelcast %s)\n' "$run_dir" "$CLUSTER_NAME" "$hz_members"
    # The admin API's bearer token for this run (the gateway's API, a node's /rooms), readable by us only.
    (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$run_dir/admin-token")
    local -a hz_args_admin=(--admin-token-file "$run_dir/admin-token")
    # Rooms need a quorum of two game nodes; a one-node cluster lowers it to one.
    local quorum=2
    ((nodes > 1)) || quorum=1
    # The link secret: gateways prove with it that they are ours to the nodes' link ports. One per run,
    # readable by this user only.
    (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$run_dir/link-secret")
    local -a hz_args=(--cluster-name "$CLUSTER_NAME" --hz-port "$hz_port" --hz-members "$hz_members" --quorum-size "$quorum"
        --link-secret-file "$run_dir/link-secret")
    # The archive of finished games: an H2 file in the run folder, shared by the nodes (who write it)
    # and the gateway (GET /games), unless ROOMGATE_ARCHIVE_JDBC_URL names another database.
    hz_args+=(--archive-jdbc-url "${ROOMGATE_ARCHIVE_JDBC_URL:-jdbc:h2:file:$run_dir/roomgate-archive;AUTO_SERVER=TRUE}")

    # node-1 alone first: it forms the cluster the others join.
    launch "$run_dir" node-1 "$NODE_JAR" --node-id node-1 --link-port 0 "${hz_args[@]}" "${hz_args_admin[@]}"
    wait_ready "$run_dir" $((SECONDS + TIMEOUT)) node-1

    # The others one at a time: JVMs booting together on a small machine stall each other long
    # enough for Hazelcast to suspect members that are merely slow to start.
    local i
    local -a node_ids=(node-1)
    for ((i = 2; i <= nodes; i++)); do
        launch "$run_dir" "node-$i" "$NODE_JAR" --node-id "node-$i" --link-port 0 "${hz_args[@]}" "${hz_args_admin[@]}"
        wait_ready "$run_dir" $((SECONDS + TIMEOUT)) "node-$i"
        node_ids+=("node-$i")
    done

    # Client identity: a development HS256 key (tokens from GET /auth/dev-token, or '$PROG token'),
    # and the key resume tokens are signed with; both live in the run folder only.
    new_secret "$run_dir/dev-hs256.key"
    new_secret "$run_dir/session.key"
    local -a auth_args=(--auth jwt --auth-hs256-key-file "$run_dir/dev-hs256.key" --auth-dev-tokens true
        --session-key-file "$run_dir/session.key")
    # The admin API takes a free port: its number is in gw-1.ready (admin-port=).
    launch "$run_dir" gw-1 "$GATEWAY_JAR" --port "$port" --admin-port 0 --gateway-id gw-1 "${hz_args[@]}" "${hz_args_admin[@]}" "${auth_args[@]}"
    wait_ready "$run_dir" $((SECONDS + TIMEOUT)) gw-1
    local gw_port
    gw_port=$(ready_field "$run_dir/gw-1.ready" port)
    if [[ -n $gw_port && $gw_port != "$port" ]]; then
        warn "the gateway reports port=$gw_port, not $port as asked; using $gw_port"
        port=$gw_port
    fi

    local admin_port
    admin_port=$(ready_field "$run_dir/gw-1.ready" admin-port)
    printf 'waiting for the admin API (http://%s:%s/nodes) to list %s node(s)\n' "$LOOPBACK" "$admin_port" "$nodes"
    wait_health "$run_dir" "$port" "$admin_port" $((SECONDS + TIMEOUT)) "${node_ids[@]}"

    UP_OK=1
    exec 9>&- # release the lock
    cat <<EOF

roomgate is up: $nodes node(s), gateway gw-1, cluster $CLUSTER_NAME
  endpoint   ws://$LOOPBACK:$port/ws
  health     http://$LOOPBACK:$port/health
  admin      http://$LOOPBACK:$admin_port/nodes, with the token in $run_dir/admin-token:
             curl -H "Authorization: Bearer \$(cat $run_dir/admin-token)" http://$LOOPBACK:$admin_port/nodes
  browser    http://$LOOPBACK:$port/  (console: http://$LOOPBACK:$admin_port/console/)
  metrics    http://$LOOPBACK:$admin_port/metrics (each node's metrics-port: $0 status)
  tokens     $0 token --player alice (development tokens: anyone reaching the port can mint one)
  run folder $run_dir
Stop it with: $0 down
EOF
}

up_cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if ((UP_OK == 0)) && [[ -n ${UP_RUN_DIR:-} ]]; then
        printf '%s: up failed; stopping what was started\n' "$PROG" >&2
        stop_run "$UP_RUN_DIR" >&2 || true
        ((rc != 0)) || rc=1
    fi
    exit "$rc"
}

# ---------------------------------------------------------------------------------------------
# status, down, logs

# new_secret FILE: 48 random bytes, base64, readable by this user only.
new_secret() {
    local file=$1
    (
        umask 077
        if command -v openssl >/dev/null 2>&1; then
            openssl rand -base64 48 | tr -d '\n' >"$file"
        else
            head -c 48 /dev/urandom | base64 | tr -d '\n' >"$file"
        fi
    ) || die "cannot write the key file $file"
}

# Prints a development token for a player, from the current run's gateway (GET /auth/dev-token).
cmd_token() {
    local player=""
    while (($# > 0)); do
        case $1 in
            --player) (($# >= 2)) || usage_error "--player needs a value"; player=$2; shift 2 ;;
            -h | --help) usage; exit 0 ;;
            *) usage_error "token: unknown argument '$1' (expected: --player NAME)" ;;
        esac
    done
    [[ $player =~ ^[A-Za-z0-9._:@|-]{1,128}$ ]] || usage_error "--player: '$player' (expected: 1-128 of A-Z a-z 0-9 . _ : - @ |)"
    local run_dir port body
    run_dir=$(require_current_run)
    port=$(ready_field "$run_dir/gw-1.ready" port)
    [[ -n $port ]] || die "no port in $run_dir/gw-1.ready; is the gateway up?"
    body=$(http_request GET "$port" "/auth/dev-token?player=$player") \
        || die "GET /auth/dev-token failed; is the gateway up (with --auth-dev-tokens)?"
    body=${body#*\"token\":\"}
    printf '%s\n' "${body%%\"*}"
}

require_current_run() {
    current_run || die "no run found ($RUN_ROOT/current does not exist); start one with '$PROG up'"
}

cmd_status() {
    (($# == 0)) || usage_error "status takes no arguments"
    local run_dir
    if ! run_dir=$(current_run); then
        printf 'no run (%s/current does not exist)\n' "$RUN_ROOT"
        return 3
    fi
    printf 'run folder %s\n' "$run_dir"
    printf 'cluster %s, started %s\n' "$(conf_get "$run_dir" cluster_name)" "$(conf_get "$run_dir" started)"
    local name pid state details all_alive=1 gw_alive=0 port
    printf '%-8s %-8s %-8s %s\n' NAME PID STATE READY
    while read -r name pid; do
        state=$(pid_state "$run_dir" "$name" "$pid")
        case $state in
            ours) state=alive ;;
            foreign) state=dead; all_alive=0 ;;
            *) all_alive=0 ;;
        esac
        if [[ -f $run_dir/$name.ready ]]; then
            details=$(grep -v '^role=' "$run_dir/$name.ready" | tr '\n' ' ')
        else
            details="(never ready)"
        fi
        [[ $(pid_state "$run_dir" "$name" "$pid") != foreign ]] || details+="(pid $pid is now another process)"
        printf '%-8s %-8s %-8s %s\n' "$name" "$pid" "$state" "$details"
        if [[ $name == gw-1 && $state == alive ]]; then
            gw_alive=1
        fi
    done < <(read_pids "$run_dir")

    port=$(ready_field "$run_dir/gw-1.ready" port)
    [[ -n $port ]] || port=$(conf_get "$run_dir" port)
    if ((gw_alive)) && [[ -n $port ]]; then
        printf 'endpoint ws://%s:%s/ws\n' "$LOOPBACK" "$port"
        printf 'health http://%s:%s/health\n' "$LOOPBACK" "$port"
        local body admin_port
        admin_port=$(ready_field "$run_dir/gw-1.ready" admin-port)
        printf 'metrics http://%s:%s/metrics\n' "$LOOPBACK" "$admin_port"
        printf 'admin http://%s:%s/nodes (token: %s)\n' "$LOOPBACK" "$admin_port" "$run_dir/admin-token"
        if body=$(http_request GET "$admin_port" /nodes "$run_dir/admin-token" 2>&1); then
            printf '%s\n' "$body"
        else
            printf '(no answer: %s)\n' "$body"
            all_alive=0
        fi
    else
        printf 'health: gateway not running\n'
    fi
    ((all_alive)) || return 1
}

# drain NODE_ID: the node takes no new rooms and hands its live rooms to their successors while
# their clients stay connected; waits until it reports none left.
cmd_drain() {
    (($# == 1)) || usage_error "drain takes one NODE_ID (see '$PROG status')"
    local node=$1 run_dir admin_port body rooms deadline
    run_dir=$(require_current_run)
    admin_port=$(ready_field "$run_dir/gw-1.ready" admin-port)
    [[ -n $admin_port ]] || die "no admin port in $run_dir/gw-1.ready; is the gateway up?"
    local token=$run_dir/admin-token
    body=$(http_request POST "$admin_port" "/nodes/$node/drain" "$token") || die "drain of '$node' refused; known nodes: $(http_request GET "$admin_port" /nodes "$token" | health_node_ids | paste -sd ' ' -)"
    printf 'draining %s\n' "$node"
    deadline=$((SECONDS + TIMEOUT))
    while ((SECONDS < deadline)); do
        body=$(http_request GET "$admin_port" /nodes "$token") || die "the admin API stopped answering"
        # The node's own entry: its "rooms" count, published every second.
        rooms=$(tr -d '\n ' <<<"$body" | grep -o "\"nodeId\":\"$node\"[^}]*" | grep -o '"rooms":[0-9]*' | cut -d: -f2 || true)
        if [[ ${rooms:-0} == 0 ]]; then
            printf '%s is drained: it holds no rooms and takes no new ones; stop it with kill -TERM %s\n' "$node" \
                "$(read_pids "$run_dir" | awk -v n="$node" '$1 == n { print $2 }')"
            return 0
        fi
        printf '  %s still holds %s room(s)\n' "$node" "$rooms"
        sleep 1
    done
    die "$node still holds rooms after $TIMEOUT s"
}

cmd_down() {
    (($# == 0)) || usage_error "down takes no arguments"
    local run_dir
    if ! run_dir=$(current_run); then
        printf 'nothing to stop (no run: %s/current does not exist)\n' "$RUN_ROOT"
        return 0
    fi
    printf 'run folder %s\n' "$run_dir"
    stop_run "$run_dir"
    if run_alive "$run_dir"; then
        sleep 1
        run_alive "$run_dir" && die "some processes of $run_dir are still running; see '$PROG status'"
    fi
    printf 'down: %s\n' "$run_dir"
}

cmd_logs() {
    local name="" lines=50 follow=1
    while (($# > 0)); do
        case $1 in
            --lines) (($# >= 2)) || usage_error "--lines needs a value"; lines=$2; shift 2 ;;
            --lines=*) lines=${1#*=}; shift ;;
            --no-follow) follow=0; shift ;;
            -f | --follow) follow=1; shift ;;
            -h | --help) usage; exit 0 ;;
            -*) usage_error "logs: unknown option '$1'" ;;
            *) [[ -z $name ]] || usage_error "logs: only one NAME"; name=$1; shift ;;
        esac
    done
    require_int --lines "$lines" 0 1000000
    local run_dir
    run_dir=$(require_current_run)
    [[ $name != gateway ]] || name=gw-1
    local -a files=()
    if [[ -n $name ]]; then
        if [[ ! -f $run_dir/$name.log ]]; then
            die "no log '$name' in $run_dir (names: $(read_pids "$run_dir" | awk '{ print $1 }' | paste -sd ' ' -))"
        fi
        files=("$run_dir/$name.log")
    else
        local n _pid
        while read -r n _pid; do
            [[ -f $run_dir/$n.log ]] && files+=("$run_dir/$n.log")
        done < <(read_pids "$run_dir")
        ((${#files[@]} > 0)) || die "no logs in $run_dir"
    fi
    if ((follow)); then
        exec tail -n "$lines" -F -- "${files[@]}"
    else
        tail -n "$lines" -- "${files[@]}"
    fi
}

main() {
    (($# > 0)) || { usage >&2; exit 2; }
    local cmd=$1
    shift
    case $cmd in
        up) cmd_up "$@" ;;
        status) cmd_status "$@" ;;
        down | stop) cmd_down "$@" ;;
        drain) cmd_drain "$@" ;;
        logs) cmd_logs "$@" ;;
        token) cmd_token "$@" ;;
        help | -h | --help) usage ;;
        *) usage_error "unknown command '$cmd'" ;;
    esac
}

main "$@"
