package roomgate.runtime.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Measures how late a single-threaded executor (a Netty event loop, a room stripe) runs a timer
 * task: every {@code interval} it schedules a task on the executor itself and records, when the
 * task runs, how long after its due time that was. An idle thread runs it on time; a thread that
 * is busy with other work, or blocked, runs it late by as much as anything queued there right then
 * would have waited. The probe lives on the executor it measures: no extra thread, no lock, and it
 * stops by itself when the executor shuts down.
 */
public final class ExecutorDelayProbe {
    /** Ten samples a second per executor: cheap, and enough to see stalls of a few ticks. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);

    private final ScheduledExecutorService executor;
    private final Timer timer;
    private final long intervalNanos;
    private final LongSupplier clock;
    private volatile boolean stopped;
    /** Written before each schedule, read by the task it schedules: ordered by the executor's queue. */
    private long dueNanos;

    ExecutorDelayProbe(ScheduledExecutorService executor, Timer timer, Duration interval, LongSupplier clock) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.timer = Objects.requireNonNull(timer, "timer");
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
        }
        this.intervalNanos = interval.toNanos();
        this.clock = clock;
    }

    /** Starts probing {@code executor}, recording each sample's lateness into {@code timer}. */
    public static ExecutorDelayProbe start(ScheduledExecutorService executor, Timer timer, Duration interval) {
        ExecutorDelayProbe probe = new ExecutorDelayProbe(executor, timer, interval, System::nanoTime);
        probe.scheduleNext();
        return probe;
    }

    /**
     * Probes every executor of {@code group}, each into its own timer {@code name} tagged
     * {@code tagKey}={@code 0, 1, ...} in the group's iteration order.
     */
    public static List<ExecutorDelayProbe> startAll(
            EventExecutorGroup group,
            MeterRegistry registry,
            String name,
            String tagKey,
            String description,
            Duration interval) {
        List<ExecutorDelayProbe> probes = new ArrayList<>();
        int index = 0;
        for (EventExecutor executor : group) {
            probes.add(
                    start(executor, timer(registry, name, tagKey, Integer.toString(index++), description), interval));
        }
        return probes;
    }

    /** The timer a probe records into: a histogram with buckets from 1 ms to 1 s. */
    public static Timer timer(MeterRegistry registry, String name, String tagKey, String tagValue, String description) {
        return Timer.builder(name)
                .description(description)
                .tag(tagKey, tagValue)
                .serviceLevelObjectives(
                        Duration.ofMillis(1),
                        Duration.ofMillis(5),
                        Duration.ofMillis(20),
                        Duration.ofMillis(50),
                        Duration.ofMillis(100),
                        Duration.ofMillis(250),
                        Duration.ofSeconds(1))
                .register(registry);
    }

    public void stop() {
        stopped = true;
    }

    private void run() {
        if (stopped) {
            return;
        }
        timer.record(Math.max(0, clock.getAsLong() - dueNanos), TimeUnit.NANOSECONDS);
        scheduleNext();
    }

    private void scheduleNext() {
        dueNanos = clock.getAsLong() + intervalNanos;
        try {
            executor.schedule(this::run, intervalNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            stopped = true;
        }
    }
}
