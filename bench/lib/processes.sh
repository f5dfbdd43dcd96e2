# bench/lib/processes.sh — sourced by the benchmark scripts that start roomgate processes on loopback:
# free ports for them, the values of their ROOMGATE-READY lines, and their stop at exit.

# Free loopback ports ($1 of them, 1 by default, all different) below the kernel's ephemeral range:
# the Hazelcast member list names members before they start, and a port from bind(0) could be handed
# to a member's outgoing socket dialling it, which then connects to itself (see LocalCluster.freePort
# in the system tests). Drawn in one call, as none is bound until its member starts.
free_ports() {
    python3 - "${1:-1}" <<'PY'
import random, socket, sys
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
ports = []
while len(ports) < int(sys.argv[1]):
    port = random.randrange(max(1024, low - 12000), low)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        if port not in ports:
            ports.append(port)
    except OSError:
        pass
    finally:
        s.close()
print(*ports)
PY
}

# Waits for a process's ROOMGATE-READY line and prints its value of $2.
ready_field() {
    local out=$1 key=$2
    for _ in $(seq 1 600); do
        if grep -q '^ROOMGATE-READY' "$out" 2>/dev/null; then
            grep '^ROOMGATE-READY' "$out" | tr ' ' '\n' | sed -n "s/^$key=//p"
            return 0
        fi
        sleep 0.2
    done
    echo "no ready line in $out" >&2
    return 1
}

# Stops the processes whose pids the caller added to its array STARTED, and only those (by pid,
# never by name): SIGTERM to all, then up to 10 s for each to exit before SIGKILL. For
# `trap stop_started EXIT`.
stop_started() {
    local pid
    for pid in ${STARTED[@]+"${STARTED[@]}"}; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in ${STARTED[@]+"${STARTED[@]}"}; do
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null || true
    done
}
