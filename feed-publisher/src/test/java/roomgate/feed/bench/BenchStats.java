package roomgate.feed.bench;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Deliveries, latency and gaps seen by all benchmark subscribers, in intervals. Thread-safe. */
final class BenchStats {
    private final Recorder latencyMs = new Recorder(60_000, 3);
    private final LongAdder deliveries = new LongAdder();
    private final LongAdder gaps = new LongAdder();
    private final LongAdder disconnects = new LongAdder();

    void delivered(long latencyMillis, boolean gap) {
        latencyMs.recordValue(Math.max(0, Math.min(latencyMillis, 60_000)));
        deliveries.increment();
        if (gap) {
            gaps.increment();
        }
    }

    void disconnected() {
        disconnects.increment();
    }

    /** What happened since the last call. */
    Interval interval() {
        return new Interval(
                latencyMs.getIntervalHistogram(), deliveries.sumThenReset(), gaps.sumThenReset(), disconnects.sum());
    }

    record Interval(Histogram latencyMs, long deliveries, long gaps, long disconnectsSoFar) {}
}
