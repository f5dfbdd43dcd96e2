package roomgate.node.registry;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A stripe thread whose scheduled tasks run on a clock the test moves: a timer due in ten minutes
 * runs when the test says ten minutes have passed, and not before, with no sleeping. Everything
 * else (tasks submitted now, completions handed to the thread) runs at once, as on a real stripe.
 * The loop is {@code DefaultEventExecutor}'s (final, so not extended): one thread, tasks in order.
 */
final class ManualClockExecutor extends SingleThreadEventExecutor {
    /** The start value is arbitrary. */
    private volatile long nowNanos = 1_000_000_000L;

    private static final long SHUTDOWN_STEP_NANOS = 100_000_000L;

    ManualClockExecutor() {
        super(null, new DefaultThreadFactory(ManualClockExecutor.class), true);
    }

    /**
     * Netty's scheduler reads "now" from its ticker, from the super constructor on: so it is made on
     * first use rather than by a field initializer, which would run only after that constructor.
     */
    private volatile Ticker ticker;

    private final class ManualTicker implements Ticker {
        @Override
        public long initialNanoTime() {
            return 0;
        }

        @Override
        public long nanoTime() {
            return nowNanos;
        }

        @Override
        public void sleep(long delay, TimeUnit unit) {
            throw new UnsupportedOperationException("the test moves this clock; nothing sleeps on it");
        }
    }

    @Override
    public Ticker ticker() {
        if (ticker == null) {
            ticker = new ManualTicker();
        }
        return ticker;
    }

    /**
     * Moves the clock on and runs, on the thread, whatever fell due, in deadline order; returns when
     * they have run (call it from the test's thread). Netty's own loop would run them later than a
     * task the test submits right after, so they are not left to it.
     */
    void advance(Duration by) {
        submit(() -> {
                    nowNanos += by.toNanos();
                    for (Runnable due = pollScheduledTask(nowNanos); due != null; due = pollScheduledTask(nowNanos)) {
                        due.run();
                    }
                })
                .syncUninterruptibly();
    }

    @Override
    protected void run() {
        for (; ; ) {
            Runnable task = takeTask();
            if (task != null) {
                runTask(task);
                updateLastExecutionTime();
            }
            if (isShuttingDown()) {
                nowNanos += SHUTDOWN_STEP_NANOS; // a graceful shutdown waits on this clock too
            }
            if (confirmShutdown()) {
                break;
            }
        }
    }
}
