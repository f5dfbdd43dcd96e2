package roomgate.node.tick;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Where {@link TickStats} also reports each tick, for the metrics: how late it started, how long it
 * ran, how many ticks were skipped for it. Shared by every room of a type, so a dashboard sees the
 * type's ticks as one distribution; the per-room figures stay in {@link TickStats}.
 */
public record TickMeters(Timer lateness, Timer duration, Counter skipped) {
    public TickMeters {
        Objects.requireNonNull(lateness, "lateness");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(skipped, "skipped");
    }

    void record(long latenessNanos, long durationNanos, long skippedTicks) {
        lateness.record(latenessNanos, TimeUnit.NANOSECONDS);
        duration.record(durationNanos, TimeUnit.NANOSECONDS);
        if (skippedTicks > 0) {
            skipped.increment(skippedTicks);
        }
    }
}
