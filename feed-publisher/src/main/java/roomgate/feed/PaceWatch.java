package roomgate.feed;

import java.util.function.Consumer;

/**
 * Tells when the publisher cannot keep the rate it was asked for: per window (5 s in the publisher)
 * the updates actually published against the target, and a warning naming the rate achieved when
 * it is under 95 % of it — the schedule does not drift, so a publisher that falls behind publishes
 * as fast as it can and that is its ceiling on this machine. Counts those windows for the final
 * report. One thread.
 */
final class PaceWatch {
    /** Below this share of the target a window counts as behind (scheduling jitter stays above it). */
    static final double TOLERANCE = 0.95;

    private final double targetPerSecond;
    private final long windowNanos;
    private final Consumer<String> warn;
    private long windowStart;
    private long inWindow;
    private long behindWindows;
    private double lowestRate = Double.NaN;

    PaceWatch(double targetPerSecond, long windowNanos, long startNanos, Consumer<String> warn) {
        this.targetPerSecond = targetPerSecond;
        this.windowNanos = windowNanos;
        this.windowStart = startNanos;
        this.warn = warn;
    }

    /** {@code updates} more were published; {@code nowNanos} as System.nanoTime. */
    void published(int updates, long nowNanos) {
        inWindow += updates;
        long elapsed = nowNanos - windowStart;
        if (elapsed < windowNanos) {
            return;
        }
        double achieved = inWindow * 1e9 / elapsed;
        if (achieved < targetPerSecond * TOLERANCE) {
            behindWindows++;
            lowestRate = Double.isNaN(lowestRate) ? achieved : Math.min(lowestRate, achieved);
            warn.accept(String.format(
                    "falling behind: published %.0f updates/s over the last %.1f s, %.0f/s asked for"
                            + " (%d windows behind so far); this machine cannot keep the rate",
                    achieved, elapsed / 1e9, targetPerSecond, behindWindows));
        }
        windowStart = nowNanos;
        inWindow = 0;
    }

    /** Windows in which the publisher fell below the target. */
    long behindWindows() {
        return behindWindows;
    }

    /** The lowest rate of those windows, NaN if none. */
    double lowestRate() {
        return lowestRate;
    }
}
