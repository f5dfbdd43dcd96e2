package roomgate.node.tick;

import java.time.Duration;
import java.util.Objects;

/**
 * How well a fixed-rate tick keeps its schedule: ticks run, ticks that started late, ticks skipped
 * because the thread fell more than a period behind, the worst lateness and the longest tick. One
 * {@link Ticker} thread writes it; any thread may read it (logs). A room keeps one for its whole
 * life, across pauses of its ticker. Each tick is also recorded in the {@link TickMeters} it is
 * given, if any: that is what the metrics export.
 */
public final class TickStats {
    private final long lateAfterNanos;
    private final TickMeters meters;
    // Single writer (the ticker's thread): volatile is enough for readers to see whole values, and
    // the read-modify-writes below race with nobody.
    private volatile long ticks;
    private volatile long lateTicks;
    private volatile long skippedTicks;
    private volatile long failedTicks;
    private volatile long maxLatenessNanos;
    private volatile long maxDurationNanos;
    private volatile long totalDurationNanos;

    /** @param lateAfter a tick that starts more than this after its deadline counts as late */
    public TickStats(Duration lateAfter) {
        this(lateAfter, null);
    }

    /** @param meters where each tick is also recorded, or null */
    public TickStats(Duration lateAfter, TickMeters meters) {
        Objects.requireNonNull(lateAfter, "lateAfter");
        this.meters = meters;
        if (lateAfter.isNegative()) {
            throw new IllegalArgumentException("lateAfter: " + lateAfter + " (expected: >= 0)");
        }
        this.lateAfterNanos = lateAfter.toNanos();
    }

    /**
     * Records one tick that ran.
     *
     * @param latenessNanos how long after its deadline the tick started (for a catch-up tick: after
     *     the deadline of the first tick it stands in for)
     * @param skipped how many ticks were dropped in favour of this one
     */
    void record(long latenessNanos, long durationNanos, long skipped, boolean failed) {
        ticks++;
        if (latenessNanos > lateAfterNanos) {
            lateTicks++;
        }
        skippedTicks += skipped;
        if (failed) {
            failedTicks++;
        }
        if (latenessNanos > maxLatenessNanos) {
            maxLatenessNanos = latenessNanos;
        }
        if (durationNanos > maxDurationNanos) {
            maxDurationNanos = durationNanos;
        }
        totalDurationNanos += durationNanos;
        if (meters != null) {
            meters.record(latenessNanos, durationNanos, skipped);
        }
    }

    public long ticks() {
        return ticks;
    }

    public long lateTicks() {
        return lateTicks;
    }

    public long skippedTicks() {
        return skippedTicks;
    }

    /** Ticks whose callback threw; the schedule went on regardless. */
    public long failedTicks() {
        return failedTicks;
    }

    public Duration maxLateness() {
        return Duration.ofNanos(maxLatenessNanos);
    }

    public Duration maxDuration() {
        return Duration.ofNanos(maxDurationNanos);
    }

    public Duration meanDuration() {
        long n = ticks;
        return n == 0 ? Duration.ZERO : Duration.ofNanos(totalDurationNanos / n);
    }

    /** One line for logs, e.g. {@code ticks=900 late=2 skipped=0 failed=0 maxLateness=4.1ms ...}. */
    public String summary() {
        return String.format(
                java.util.Locale.ROOT,
                "ticks=%d late=%d skipped=%d failed=%d maxLateness=%.1fms maxDuration=%.2fms meanDuration=%.3fms",
                ticks,
                lateTicks,
                skippedTicks,
                failedTicks,
                maxLatenessNanos / 1e6,
                maxDurationNanos / 1e6,
                meanDuration().toNanos() / 1e6);
    }

    @Override
    public String toString() {
        return "TickStats[" + summary() + "]";
    }
}
