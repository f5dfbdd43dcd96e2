# Sourced by bench/churn/run.sh and bench/archive/latency.sh: builds what they run (ensure_built),
# and starts a roomgate cluster (N game nodes + 1 gateway, separate JVMs) on loopback, as
# bench/run.sh does, and records every pid it started in STARTED (the caller stops them by pid at
# exit, and only them).
#   start_cluster NAME DIR ARCHIVE_URL NODES [extra node flags...]
# sets CLUSTER_<NAME>_GW_PORT, CLUSTER_<NAME>_NODE_PIDS (space separated),
# CLUSTER_<NAME>_METRICS (node metrics ports, space separated).

STARTED=(${STARTED[@]+"${STARTED[@]}"})

# shellcheck source=../lib/processes.sh
source "$ROOT/bench/lib/processes.sh"

start_cluster() {
    local name=$1 dir=$2 archive=$3 nodes=$4
    shift 4
    mkdir -p "$dir"
    local -a ports hz
    read -r -a ports <<< "$(free_ports $((nodes + 1)))"
    local members
    members=$(printf '127.0.0.1:%s,' "${ports[@]}")
    members=${members%,}
    (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$dir/link-secret")
    # The admin API's token: the gateway needs one; the soak reads nodes' /metrics, which needs none.
    (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' > "$dir/admin-token")
    hz=(--cluster-name "$name-$$-$RANDOM" --hz-members "$members" --heartbeat-timeout-seconds 10
        --link-secret-file "$dir/link-secret" --archive-jdbc-url "$archive")
    local i pids="" metrics=""
    for i in $(seq 1 "$nodes"); do
        # One at a time: JVMs booting together on a small machine stall each other.
        (cd "$dir" && exec "$JAVA" "@$ROOT/deploy/jvm.options" -Xms512m -Xmx512m -jar "$ROOT/game-node/target/roomgate-node.jar" \
            --node-id "node-$i" --hz-port "${ports[$((i - 1))]}" "${hz[@]}" "$@") > "$dir/node-$i.out" 2> "$dir/node-$i.log" &
        STARTED+=($!)
        pids+="$! "
        metrics+="$(ready_field "$dir/node-$i.out" metrics-port) "
    done
    (cd "$dir" && exec "$JAVA" "@$ROOT/deploy/jvm.options" -Xms512m -Xmx512m -jar "$ROOT/gateway/target/roomgate-gateway.jar" \
        --gateway-id gw-1 --port 0 --admin-port 0 --admin-token-file "$dir/admin-token" --auth none --rate-per-second 1000000 --rate-burst 1000000 \
        --hz-port "${ports[$nodes]}" "${hz[@]}") > "$dir/gateway.out" 2> "$dir/gateway.log" &
    STARTED+=($!)
    local gw
    gw=$(ready_field "$dir/gateway.out" port)
    for _ in $(seq 1 300); do
        curl -fs "http://127.0.0.1:$gw/health" | grep -Eq "\"nodeCount\": *$nodes\b" && break
        sleep 0.2
    done
    printf -v "CLUSTER_${name}_GW_PORT" '%s' "$gw"
    printf -v "CLUSTER_${name}_NODE_PIDS" '%s' "${pids% }"
    printf -v "CLUSTER_${name}_METRICS" '%s' "${metrics% }"
}

# Builds the runnable jars and the system tests' classes (for finishing_games) unless they are there.
ensure_built() {
    local built
    for built in game-node/target/roomgate-node.jar gateway/target/roomgate-gateway.jar loadtest/target/roomgate-loadtest.jar \
        system-tests/target/test-classes/roomgate/systemtest/FinishingGames.class; do
        [[ -f $ROOT/$built ]] || { (cd "$ROOT" && mvn -B -q -DskipTests package); return; }
    done
}

# The finishing games of data/pgn, repeated to at least N games: DIR/games.pgn and DIR/games.uci.
finishing_games() {
    local dir=$1 n=$2
    # The system tests' own filter (their archive tests play the same games), from their test classes.
    "$JAVA" -cp "$ROOT/system-tests/target/test-classes:$ROOT/chess/target/classes" roomgate.systemtest.FinishingGames \
        "$dir/one.pgn" "$dir/one.uci" "$ROOT"/data/pgn/*.pgn
    local have
    have=$(wc -l < "$dir/one.uci")
    : > "$dir/games.pgn"; : > "$dir/games.uci"
    for _ in $(seq 1 $(((n + have - 1) / have))); do
        cat "$dir/one.pgn" >> "$dir/games.pgn"
        cat "$dir/one.uci" >> "$dir/games.uci"
    done
}
