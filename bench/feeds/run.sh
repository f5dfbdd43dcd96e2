#!/usr/bin/env bash
# Feeds benchmark: one game node, one gateway and one feed publisher (each its own JVM, from the
# runnable jars) on 127.0.0.1, then subscribers to one topic at 20 updates/s, stepped up until the
# publish-to-deliver p99 reaches 50 ms. Prints deliveries/s, p50/p99, gaps and gateway heap per
# subscriber for each step. Not part of the test suite. Logs: feed-publisher/target/bench/.
#
#   bench/feeds/run.sh [--steps 250,500,1000,2000,4000,8000] [--rate 20] [--warmup 3] [--measure 10]
#                      [--limit-p99-ms 50] [--client-threads 2]
#
# Everything it starts is stopped by its own process handle when it ends.
set -euo pipefail
REPO_ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO_ROOT"
MVN=${MVN:-mvn}
# 20,000 subscribers are as many sockets in the driver and in the gateway, which inherits the limit.
ulimit -Hn 200000 2>/dev/null || true
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# Jars and the driver's classes, built from this checkout (the reactor, never ~/.m2 snapshots);
# the driver's class path is written by the dependency plugin in the same reactor build.
"$MVN" -B -q -DskipTests package dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath \
    -pl game-node,gateway,feed-publisher -am
CP="feed-publisher/target/test-classes:feed-publisher/target/classes:$(cat feed-publisher/target/bench.classpath)"

exec java -Xmx1g -cp "$CP" roomgate.feed.bench.FeedBench --repo "$REPO_ROOT" "$@"
