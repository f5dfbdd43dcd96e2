#!/usr/bin/env bash
# bench/failover/run.sh — the kill -9 and drain figures of the fault tests, run after run, and
# optionally side by side with another revision.
#
# One run is the fault class's first three tests as the suite orders them (FaultToleranceSystemTest:
# add a node under traffic, drain a node with 200 live rooms, kill -9 a node with 200 live rooms), on
# a fresh cluster of separate JVMs, ~4 minutes on 2 cores with the build. From each run it takes: the
# time until every room was playable again after the kill (the target is 1 s), the slowest of the
# rooms whose record's primary copy died with the node and of the others, and how long the drained
# node took to report no rooms. One run says little: these figures move with everything else the machine does
# (docs/notes/2026-11-28-failover-timing.md), so run several, and run nothing else meanwhile.
#
# With BASE=<git revision>, runs alternate between this checkout (as it is, uncommitted changes
# included) and that revision (checked out in a git worktree in the run folder, removed at the end),
# so that both meet the same machine; the summary gives the ratios of the medians.
#
# Knobs (environment): RUNS (5 per side), BASE (none). Results and every run's logs:
# bench/runs/failover-<time>/. The tests start and stop their own processes, by pid, on loopback.
set -euo pipefail

RUNS=${RUNS:-5}
BASE=${BASE:-}
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
RUN="$ROOT/bench/runs/failover-$(date -u +%Y%m%d-%H%M%S)"
TESTS='FaultToleranceSystemTest#addingANodeUnderTrafficMovesNoLiveRoomAndTakesItsShareOfNewOnes'
TESTS+='+drainingANodeMovesItsLiveRoomsWhileTheirClientsStayConnected'
TESTS+='+aKilledNodesRoomsAreTakenOverWithEveryAcknowledgedMove'
mkdir -p "$RUN"

labels=(current)
trees=("$ROOT")
if [[ -n $BASE ]]; then
    rev=$(git -C "$ROOT" rev-parse --short "$BASE^{commit}")
    git -C "$ROOT" worktree add -q --detach "$RUN/trees/base" "$rev"
    trap 'git -C "$ROOT" worktree remove --force "$RUN/trees/base"' EXIT
    # A base older than data/pgn in the repository reads its games from ../shared/data/pgn beside the
    # checkout: give it this checkout's copy there.
    mkdir -p "$RUN/trees/shared"
    ln -s "$ROOT/data" "$RUN/trees/shared/data"
    labels+=("base-$rev")
    trees+=("$RUN/trees/base")
fi

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cpus; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "current: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD || echo ' with uncommitted changes')"
    [[ -n $BASE ]] && echo "base: $BASE ($rev)"
    echo "$RUNS run(s)$([[ -n $BASE ]] && echo ' per side, alternated'); one run = add, drain, kill (FaultToleranceSystemTest)"
} | tee "$RUN/summary.txt"

# Prints "kill PRIMARY_DIED_MAX OTHERS_MAX DRAIN" from a run's output (a dash where a figure is missing).
figures() {
    awk '
        /^kill -9 .*every room playable again within/ { for (i = 1; i <= NF; i++) if ($i == "within") kill = $(i + 1) }
        /^  of them, rooms whose record/ { primary = $(NF - 1) }
        /^  the other rooms/ { others = $(NF - 1) }
        /^drain .* reported 0 rooms/ { for (i = 1; i <= NF; i++) if ($i == "rooms" && $(i - 1) == "0") drain = $(i + 1) }
        END { printf "%s %s %s %s\n", kill ? kill : "-", primary ? primary : "-", others ? others : "-", drain ? drain : "-" }
    ' "$1"
}

for i in $(seq 1 "$RUNS"); do
    order=("${!labels[@]}")
    # Alternate which side goes first, so neither always follows the other.
    (( i % 2 == 0 && ${#order[@]} == 2 )) && order=(1 0)
    for k in "${order[@]}"; do
        label=${labels[$k]}
        tree=${trees[$k]}
        out="$RUN/$label-$i"
        rm -rf "$tree/system-tests/target/system-test-logs"
        status=passed
        (cd "$tree" && mvn -B test -pl system-tests -am -Dtest="$TESTS" -Dsurefire.failIfNoSpecifiedTests=false \
            -Dsurefire.rerunFailingTestsCount=0) > "$out.log" 2>&1 || status=FAILED
        cp -r "$tree/system-tests/target/system-test-logs" "$out-logs" 2>/dev/null || true
        read -r kill primary others drain < <(figures "$out.log")
        printf '%-14s run %2d: kill %5s ms (record primary died: max %5s ms; other rooms: max %5s ms), drain %5s ms, %s\n' \
            "$label" "$i" "$kill" "$primary" "$others" "$drain" "$status" | tee -a "$RUN/results.txt"
    done
done

# Median, range and count under the 1 s target per side, from results.txt.
{
    echo
    awk '
        { label = $1; kill = $5; drain = $(NF - 2); runs[label]++; if ($NF == "FAILED") failed[label]++ }
        kill ~ /^[0-9]+$/ { k[label] = k[label] " " kill; if (kill < 1000) under[label]++ }
        drain ~ /^[0-9]+$/ { d[label] = d[label] " " drain }
        function median(list,   a, m, i, j, t) {
            m = split(list, a, " ")
            for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
            if (m == 0) return 0
            return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
        }
        function range(list,   a, m, i, lo, hi) {
            m = split(list, a, " "); lo = hi = a[1]
            for (i = 2; i <= m; i++) { if (a[i] + 0 < lo + 0) lo = a[i]; if (a[i] + 0 > hi + 0) hi = a[i] }
            return lo "-" hi
        }
        END {
            for (label in k) {
                km[label] = median(k[label]); dm[label] = median(d[label])
                printf "%-14s kill: median %d ms (%s), under 1 s in %d of %d runs (%d failed); drain: median %d ms\n",
                    label, km[label], range(k[label]), under[label], runs[label], failed[label], dm[label]
            }
            for (label in k) if (label != "current" && km[label] > 0 && dm[label] > 0)
                printf "current / %s: kill %.2f, drain %.2f (medians; below 1 = current faster)\n",
                    label, km["current"] / km[label], dm["current"] / dm[label]
        }
    ' "$RUN/results.txt"
    echo "logs: $RUN"
} | tee -a "$RUN/summary.txt"
