package roomgate.node.tick;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a callback at a fixed rate on one executor's thread, on a drift-free grid: tick {@code n}
 * (counting from 1) is due at {@code start + n * period}. A late tick runs as soon as it can, but
 * the next deadline stays on the grid, so lateness never accumulates. When the thread has fallen
 * more than a period behind, the ticks missed are skipped (and counted in {@link TickStats}) and one
 * tick runs in their place: a burst of catch-up ticks would only make the next ones late too. The
 * room registry gives each ticking room one, on the room's stripe thread.
 */
public final class Ticker {
    private static final Logger log = LoggerFactory.getLogger(Ticker.class);

    private final String name;
    private final ScheduledExecutorService executor;
    private final long periodNanos;
    private final LongSupplier nanoClock;
    private final TickStats stats;
    private final LongConsumer onTick;

    // Confined to the executor's thread once started.
    private long startNanos;
    private long next;
    private boolean started;
    private boolean failureLogged;

    private volatile boolean stopped;
    private volatile ScheduledFuture<?> pending;

    /**
     * @param onTick called on the executor's thread with the grid index of the tick; an index that
     *     jumps by more than one means ticks were skipped
     */
    public Ticker(
            String name,
            ScheduledExecutorService executor,
            Duration period,
            LongSupplier nanoClock,
            TickStats stats,
            LongConsumer onTick) {
        this.name = Objects.requireNonNull(name, "name");
        this.executor = Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(period, "period");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period: " + period + " (expected: > 0)");
        }
        this.periodNanos = period.toNanos();
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.onTick = Objects.requireNonNull(onTick, "onTick");
    }

    /** A ticker on {@link System#nanoTime()}. */
    public Ticker(
            String name, ScheduledExecutorService executor, Duration period, TickStats stats, LongConsumer onTick) {
        this(name, executor, period, System::nanoTime, stats, onTick);
    }

    /**
     * Starts the grid now; the first tick is due one period from now. Call it once, from the
     * executor's thread or before handing the ticker to any other thread.
     */
    public void start() {
        if (started) {
            throw new IllegalStateException("ticker " + name + " already started");
        }
        started = true;
        startNanos = nanoClock.getAsLong();
        next = 1;
        scheduleNext();
    }

    /** Stops ticking; a tick already running finishes. Any thread may call it. */
    public void stop() {
        stopped = true;
        ScheduledFuture<?> f = pending;
        if (f != null) {
            f.cancel(false);
        }
    }

    public boolean isStopped() {
        return stopped;
    }

    long startNanos() {
        return startNanos;
    }

    private void run() {
        if (stopped) {
            return;
        }
        long now = nanoClock.getAsLong();
        long lateness = Math.max(0, now - deadline(next));
        // The latest tick due by now: all before it are stale, and running them would be a burst.
        long due = Math.max(next, (now - startNanos) / periodNanos);
        boolean failed = false;
        try {
            onTick.accept(due);
        } catch (RuntimeException e) {
            failed = true;
            // Once per ticker: a tick that fails always would otherwise log 30 times a second.
            if (!failureLogged) {
                failureLogged = true;
                log.error("tick {} of {} failed; ticking goes on, further failures are only counted", due, name, e);
            }
        }
        stats.record(lateness, nanoClock.getAsLong() - now, due - next, failed);
        next = due + 1;
        scheduleNext();
    }

    private void scheduleNext() {
        if (stopped) {
            return;
        }
        long delay = deadline(next) - nanoClock.getAsLong();
        pending = executor.schedule(this::run, Math.max(0, delay), TimeUnit.NANOSECONDS);
    }

    private long deadline(long tick) {
        return startNanos + tick * periodNanos;
    }

    @Override
    public String toString() {
        return "Ticker[" + name + ", period=" + Duration.ofNanos(periodNanos) + (stopped ? ", stopped" : "") + "]";
    }
}
