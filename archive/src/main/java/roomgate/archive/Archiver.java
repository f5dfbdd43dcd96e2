package roomgate.archive;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background writer: every {@code interval}, on its own thread (never a room's thread or an
 * event loop), it takes up to {@code batchSize} finished rooms from the {@link ArchiveBacklog},
 * writes them in one transaction, and then lets each leave the backlog; while a full batch comes
 * back it goes on at once, so a backlog built up during an outage drains as fast as the database
 * takes it. While the database is down nothing leaves the backlog: the rooms wait there, and the
 * next round tries again. A row the database refuses is logged and counted once and leaves the
 * backlog; it does not hold up the rest.
 */
public final class Archiver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Archiver.class);

    private final ArchiveBacklog backlog;
    private final ArchiveWriter writer;
    private final int batchSize;
    private final ScheduledExecutorService thread;
    private final Counter written;
    private final Counter duplicates;
    private final Counter refused;
    private final Counter failures;
    private final Timer writeTime;
    private volatile boolean down;
    /** When a failed round was last logged: below the cluster's quorum every round fails, 1 a second. */
    private long lastFailureLogNanos = System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS;

    private long failuresNotLogged;
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

    public Archiver(ArchiveBacklog backlog, ArchiveWriter writer, int batchSize, MeterRegistry meters) {
        this.backlog = backlog;
        this.writer = writer;
        this.batchSize = batchSize;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "archive-writer");
            t.setDaemon(true);
            return t;
        });
        this.written = Counter.builder("roomgate.archive.rows.written")
                .description("Finished rooms written to the archive database")
                .register(meters);
        this.duplicates = Counter.builder("roomgate.archive.rows.already")
                .description("Finished rooms found already archived (archived twice around a failover)")
                .register(meters);
        this.refused = Counter.builder("roomgate.archive.rows.refused")
                .description("Finished rooms whose row the database refused for good (logged once each)")
                .register(meters);
        this.failures = Counter.builder("roomgate.archive.write.failures")
                .description("Batches not written because the database was unavailable (retried)")
                .register(meters);
        this.writeTime = Timer.builder("roomgate.archive.write")
                .description("One batch's write and commit")
                .serviceLevelObjectives(
                        Duration.ofMillis(1),
                        Duration.ofMillis(5),
                        Duration.ofMillis(10),
                        Duration.ofMillis(50),
                        Duration.ofMillis(100),
                        Duration.ofMillis(500),
                        Duration.ofSeconds(1))
                .register(meters);
        io.micrometer.core.instrument.Gauge.builder("roomgate.archive.backlog", backlog, ArchiveBacklog::size)
                .description("Finished rooms waiting for the archive here (as of the last round)")
                .strongReference(true)
                .register(meters);
    }

    public Archiver start(Duration interval) {
        thread.scheduleWithFixedDelay(this::safeRound, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Whether the last write found the database unavailable. */
    public boolean databaseDown() {
        return down;
    }

    private void safeRound() {
        try {
            while (round() == batchSize) {
                // a full batch: more may wait
            }
        } catch (RuntimeException e) {
            // The backlog could not be read (the cluster below its quorum, a member leaving): next round.
            failuresNotLogged++;
            if (System.nanoTime() - lastFailureLogNanos >= FAILURE_LOG_INTERVAL_NANOS) {
                log.warn(
                        "archive round failed ({}); retrying every round ({} failed round(s) since the last such line)",
                        e.toString(),
                        failuresNotLogged);
                lastFailureLogNanos = System.nanoTime();
                failuresNotLogged = 0;
            }
        }
    }

    /** One batch: take, write, settle. Returns how many rooms it took. Runs on the archiver's thread (or a test's). */
    public int round() {
        List<ArchiveBacklog.Entry> entries = backlog.take(batchSize);
        if (entries.isEmpty()) {
            return 0;
        }
        List<ArchivedGame> games = new ArrayList<>(entries.size());
        entries.forEach(e -> games.add(e.game()));
        ArchiveWriter.Result result;
        long start = System.nanoTime();
        try {
            result = writer.write(games);
        } catch (ArchiveUnavailableException e) {
            failures.increment();
            if (!down) {
                log.warn(
                        "{}; {} finished room(s) wait in the cluster until it is back", e.getMessage(), backlog.size());
            }
            down = true;
            return 0;
        }
        writeTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        if (down) {
            log.info("archive database is back; writing the {} finished room(s) that waited", backlog.size());
            down = false;
        }
        Map<ArchivedGame, ArchiveWriter.Outcome> outcomes = result.outcomes();
        for (ArchiveBacklog.Entry entry : entries) {
            switch (outcomes.get(entry.game())) {
                case WRITTEN -> {
                    written.increment();
                    backlog.archived(entry);
                }
                case ALREADY_ARCHIVED -> {
                    duplicates.increment();
                    backlog.archived(entry);
                }
                case REFUSED -> {
                    String reason = result.reasons().get(entry.game());
                    refused.increment();
                    log.error(
                            "archive refused room {} (started {}): {}; it is not archived",
                            entry.game().roomId(),
                            entry.game().startedMs(),
                            reason);
                    backlog.refused(entry, reason);
                }
            }
        }
        return entries.size();
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
