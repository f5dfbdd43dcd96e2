package roomgate.runtime;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Lets the first of a burst of like log lines through, then at most one per interval, and says how
 * many it held back, for a fault that repeats a line without end: a node's claims while the
 * cluster is below its quorum, a gateway's connection attempts to a node it cannot reach. While
 * the cluster is below its quorum every claim fails, and the gateways ask
 * again for each room every 200 ms: in QuorumLossSystemTest 20 rooms made 96-176 identical
 * warnings in the ~2.5 s before a third node joined, so 200 rooms would make about a thousand a
 * second, burying everything else. The exact counts are in the metrics
 * ({@code roomgate_node_claims_total}); the log only has to show that it is happening, and why.
 */
public final class LogThrottle {
    /** {@link #admit()}'s answer for a line to leave out. */
    public static final long HOLD = -1;

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private boolean any;
    private long lastNanos;
    private long heldBack;

    public LogThrottle(Duration interval) {
        this(interval, System::nanoTime);
    }

    public LogThrottle(Duration interval, LongSupplier nanoTime) {
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
    }

    /** {@link #HOLD}, or (the line is to be logged) how many were held back since the last one logged. */
    public synchronized long admit() {
        long now = nanoTime.getAsLong();
        if (any && now - lastNanos < intervalNanos) {
            heldBack++;
            return HOLD;
        }
        any = true;
        lastNanos = now;
        long count = heldBack;
        heldBack = 0;
        return count;
    }
}
