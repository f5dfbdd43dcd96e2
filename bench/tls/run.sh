#!/usr/bin/env bash
# TLS benchmark: one game node and, in turn, a gateway with a plain client port, with TLS by the
# JDK and with TLS by OpenSSL (BoringSSL via netty-tcnative), each its own JVM from the runnable jars,
# on 127.0.0.1. Prints connections/s (TCP + TLS handshake + WebSocket upgrade + one ping + close)
# and messages/s (ping/pong in a closed loop over open WebSockets) for each, as one table. Not part
# of the test suite. Certificates are made for the run (keytool); logs in gateway/target/tls-bench/.
#
#   bench/tls/run.sh [--seconds 10] [--warmup 3] [--connections 50] [--concurrency 64] [--auth both|none|jwt]
#
# --auth both (the default): each port without client tokens (--auth none) and with them (--auth jwt,
# an HS256 token on the upgrade): the difference is the cost of the token check.
#
# Everything it starts is stopped by its own process handle when it ends.
set -euo pipefail
REPO_ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO_ROOT"
MVN=${MVN:-mvn}

# Jars and the driver's classes, built from this checkout (the reactor, never ~/.m2 snapshots);
# the driver's class path is written by the dependency plugin in the same reactor build.
"$MVN" -B -q -DskipTests -Dspotless.check.skip=true package dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath \
    -pl game-node,gateway -am
CP="gateway/target/test-classes:gateway/target/classes:$(cat gateway/target/bench.classpath)"

exec java -Xmx1g -cp "$CP" roomgate.gateway.bench.TlsBench --repo "$REPO_ROOT" "$@"
