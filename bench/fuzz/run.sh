#!/usr/bin/env bash
# Fuzzes the decode paths with Jazzer: each @FuzzTest in its own JVM (Jazzer fuzzes one per run),
# for FUZZ_SECONDS each, in a small heap so that an input making the decoder allocate without
# bound fails as an OutOfMemoryError. Prints, per target, the executions, their rate, the coverage
# and whether anything was found; a crashing input is stored where the regression run (mvn verify)
# picks it up: <module>/src/test/resources/<package>/<Test>Inputs/<target>/crash-<sha1>.
#
#   bench/fuzz/run.sh                 every target, FUZZ_SECONDS (60) each
#   bench/fuzz/run.sh textFrame ...   the targets named (method names, as in TARGETS below)
#   bench/fuzz/run.sh seeds           writes the seed corpus again (after a change to FuzzSeeds)
#
# Settings: FUZZ_SECONDS (60), FUZZ_HEAP (-Xmx, 256m), FUZZ_RSS_MB (libFuzzer's -rss_limit_mb, 2048),
# FUZZ_TIMEOUT (seconds one input may take, 10), MVN (mvn). Logs: bench/fuzz/runs/<time>/.
set -euo pipefail
cd "$(dirname "$0")/../.."

MVN=${MVN:-mvn}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_HEAP=${FUZZ_HEAP:-256m}
FUZZ_RSS_MB=${FUZZ_RSS_MB:-2048}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-10}
# libFuzzer's arguments go to Jazzer as jazzer.internal.arg.N, the first being argv[0]; they come
# after the @FuzzTest's own (maxDuration), so they override them.
# module:class#method
TARGETS=(
    wire:roomgate.wire.client.ClientFrameFuzzTest#binaryFrame
    wire:roomgate.wire.client.ClientFrameFuzzTest#textFrame
    wire:roomgate.wire.link.LinkFrameFuzzTest#linkStream
    gateway:roomgate.gateway.server.ClientWireFuzzTest#socketBytes
)
# Coverage feedback from our code, the protobuf and Gson parsers and Netty's codecs (the rest of
# the class path runs uninstrumented, which keeps the executions fast).
INSTRUMENT='roomgate.**,com.google.protobuf.**,com.google.gson.**,io.netty.handler.codec.**'

if [[ "${1:-}" == seeds ]]; then
    "$MVN" -B -q -o -pl wire,gateway -am test-compile dependency:build-classpath \
        -Dmdep.includeScope=test -Dmdep.outputFile=target/fuzz.classpath
    java -cp "wire/target/test-classes:wire/target/classes:$(cat wire/target/fuzz.classpath)" \
        roomgate.wire.fuzz.FuzzSeeds wire/src/test/resources
    # The gateway's socket-level seeds are the wire module's frames, sent as WebSocket frames.
    java -cp "gateway/target/test-classes:gateway/target/classes:$(cat gateway/target/fuzz.classpath)" \
        roomgate.gateway.server.ClientWireSeeds wire/src/test/resources gateway/src/test/resources
    exit 0
fi

selected=()
for target in "${TARGETS[@]}"; do
    if [[ $# -eq 0 ]]; then
        selected+=("$target")
    else
        for name in "$@"; do
            [[ "${target##*#}" == "$name" ]] && selected+=("$target")
        done
    fi
done
[[ ${#selected[@]} -gt 0 ]] || { echo "no target named: $*" >&2; exit 2; }

out="bench/fuzz/runs/$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out"
echo "fuzzing ${#selected[@]} target(s), ${FUZZ_SECONDS}s each, -Xmx$FUZZ_HEAP; load average: $(cut -d' ' -f1-3 /proc/loadavg); logs in $out"
printf '%-48s %12s %8s %8s %8s %s\n' target executions exec/s cov corpus found
found_any=0
for target in "${selected[@]}"; do
    module=${target%%:*}
    test=${target#*:}
    log="$out/${test##*.}.log"
    set +e
    JAZZER_FUZZ=1 "$MVN" -B -o -pl "$module" -am test \
        -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
        -DargLine="-Xmx$FUZZ_HEAP" \
        -Djazzer.hooks=true -Djazzer.instrument="$INSTRUMENT" \
        -Djazzer.internal.arg.0=jazzer \
        -Djazzer.internal.arg.1="-max_total_time=$FUZZ_SECONDS" \
        -Djazzer.internal.arg.2="-rss_limit_mb=$FUZZ_RSS_MB" \
        -Djazzer.internal.arg.3="-timeout=$FUZZ_TIMEOUT" \
        -Djazzer.internal.arg.4=-print_final_stats=1 >"$log" 2>&1
    status=$?
    set -e
    executions=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || true)
    rate=$(grep -oE 'stat::average_exec_per_sec: +[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || true)
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || true)
    corpus=$(grep -oE 'corp: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || true)
    crashes=$(grep -cE "Test unit written to|== Java Exception|ERROR: libFuzzer" "$log" || true)
    if [[ $status -ne 0 || $crashes -gt 0 || -z "$executions" ]]; then
        found="YES (exit $status): see $log"
        grep -oE 'Test unit written to .*' "$log" || true
        found_any=1
    else
        found=no
    fi
    printf '%-48s %12s %8s %8s %8s %s\n' "$test" "${executions:-?}" "${rate:-?}" "${cov:-?}" "${corpus:-?}" "$found"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $found_any
