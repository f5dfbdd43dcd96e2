package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one attack at a time costs the honest, the same way for every hostile-client test: an
 * {@link HonestGame} plays beside the attacks; for each attack this prints what was tried, what the
 * server answered, the honest move p99 before any attack and during this one, and the RSS of the
 * processes under attack before, at its peak (sampled every 50 ms) and after, as a block and as a
 * markdown table row (the rows also go to {@code target/hostile-results-SUITE.md}). An attack passes
 * when no process died, every measured RSS stayed under {@link #RSS_BOUND_MB}, and the honest game
 * was never broken and moved again after it.
 */
final class AttackMeter {
    /** The servers run with -Xmx256m: heap, metaspace, threads and Netty's direct buffers stay well under this. */
    static final long RSS_BOUND_MB = 600;
    /** The first moves include JIT compilation everywhere: not the honest game's usual latency. */
    private static final int WARM_UP_MOVES = 20;
    /**
     * The baseline: this many moves (enough for a p99 that is not simply the slowest move), or as many
     * as {@link #BASELINE_MAX} gives on a crowded machine, if at least {@link #WARM_UP_MOVES}.
     */
    private static final int BASELINE_MOVES = 100;

    private static final Duration BASELINE_MAX = Duration.ofSeconds(4);
    /** "After": once the honest game has moved this many times since the attack ended. */
    private static final int MOVES_AFTER = 5;

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String HEADER =
            "| attack | tried | answered | honest p99 before (ms) | honest p99 during (ms, moves) | RSS before / peak / after (MB) |\n"
                    + "|---|---|---|---|---|---|\n";

    interface Attack {
        /** Runs the attack, checking each answer; returns what the server answered. */
        String run() throws Exception;
    }

    private final String suite;
    private final HonestGame honest;
    private final List<ServiceProcess> mustLive;
    private final List<ServiceProcess> measured;
    private final Path results;
    private double baselineP99;

    private AttackMeter(String suite, HonestGame honest, List<ServiceProcess> mustLive, List<ServiceProcess> measured) {
        this.suite = suite;
        this.honest = honest;
        this.mustLive = List.copyOf(mustLive);
        this.measured = List.copyOf(measured);
        this.results = Path.of("target", "hostile-results-" + suite + ".md");
    }

    /**
     * Starts {@code honest} and measures its move p99 before any attack. {@code mustLive}: every
     * process of the cluster (none may die); {@code measured}: those whose RSS is read.
     */
    static AttackMeter start(
            String suite, HonestGame honest, List<ServiceProcess> mustLive, List<ServiceProcess> measured)
            throws Exception {
        AttackMeter meter = new AttackMeter(suite, honest, mustLive, measured);
        honest.start();
        await().atMost(PATIENCE).until(() -> honest.moves() >= WARM_UP_MOVES || honest.broken() != null);
        long from = System.nanoTime();
        await().atMost(PATIENCE).until(() -> {
            long now = System.nanoTime();
            long moves = honest.movesBetween(from, now);
            return moves >= BASELINE_MOVES
                    || (now - from >= BASELINE_MAX.toNanos() && moves >= WARM_UP_MOVES)
                    || honest.broken() != null;
        });
        long to = System.nanoTime();
        assertThat(honest.broken()).as("the honest game before any attack").isNull();
        meter.baselineP99 = honest.p99Millis(from, to);
        Files.createDirectories(meter.results.getParent());
        Files.writeString(meter.results, HEADER);
        System.out.printf(
                "[%s] baseline: %d honest moves in %.1f s, p99 %.1f ms; RSS %s MB (bound %d MB)%n%s",
                suite,
                honest.movesBetween(from, to),
                (to - from) / 1e9,
                meter.baselineP99,
                meter.rssNow(),
                RSS_BOUND_MB,
                HEADER);
        return meter;
    }

    String honestRoomId() {
        return honest.roomId();
    }

    /** Runs {@code attack} beside the honest game, prints its figures and checks the pass conditions. */
    void attack(String name, String tried, Attack attack) throws Exception {
        long[] before = rss();
        AtomicLongArray peak = new AtomicLongArray(before);
        Thread sampler = new Thread(
                () -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        long[] now = rss();
                        for (int i = 0; i < now.length; i++) {
                            peak.accumulateAndGet(i, now[i], Math::max);
                        }
                        try {
                            Thread.sleep(50); // a sampling period, not a wait for something
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        long start = System.nanoTime();
        String answered = null;
        try {
            answered = attack.run();
        } finally {
            long end = System.nanoTime();
            await().atMost(PATIENCE)
                    .until(() -> honest.movesBetween(end, System.nanoTime()) >= MOVES_AFTER
                            || honest.broken() != null
                            || !mustLive.stream().allMatch(ServiceProcess::isAlive));
            sampler.interrupt();
            sampler.join();
            // Printed even when the attack's own check failed: the figures say what it did to the rest.
            print(name, tried, answered == null ? "(the attack's check failed)" : answered, start, end, before, peak);
        }
        assertThat(mustLive).as("processes alive").allMatch(ServiceProcess::isAlive);
        for (int i = 0; i < measured.size(); i++) {
            assertThat(peak.get(i))
                    .as("%s RSS peak, MB", measured.get(i).name())
                    .isLessThan(RSS_BOUND_MB);
        }
        assertThat(honest.broken()).as("the honest game").isNull();
    }

    private void print(
            String name, String tried, String answered, long start, long end, long[] before, AtomicLongArray peak)
            throws IOException {
        long[] after = rss();
        StringBuilder memory = new StringBuilder();
        for (int i = 0; i < measured.size(); i++) {
            memory.append(i == 0 ? "" : "; ")
                    .append(measured.get(i).name())
                    .append(' ')
                    .append(before[i])
                    .append(" / ")
                    .append(peak.get(i))
                    .append(" / ")
                    .append(after[i]);
        }
        double during = honest.p99Millis(start, end);
        long moves = honest.movesBetween(start, end);
        String row = String.format(
                "| %s | %s | %s | %.1f | %.1f (%d in %.1f s) | %s |%n",
                name, tried, answered, baselineP99, during, moves, (end - start) / 1e9, memory);
        System.out.printf(
                "[%s] %s%n  tried:    %s%n  answered: %s%n"
                        + "  honest move p99: before %.1f ms, during %.1f ms (%d moves during, %.1f s)%n"
                        + "  RSS before / peak / after, MB (bound %d): %s%n%s",
                suite,
                name,
                tried,
                answered,
                baselineP99,
                during,
                moves,
                (end - start) / 1e9,
                RSS_BOUND_MB,
                memory,
                row);
        Files.writeString(results, row, StandardOpenOption.APPEND);
    }

    /** Stops the honest game and says how it went. */
    void stop() throws InterruptedException {
        honest.stop();
        System.out.printf(
                "[%s] honest game: %d moves in all, every one answered: %s%n",
                suite, honest.moves(), honest.broken() == null);
    }

    private String rssNow() {
        long[] now = rss();
        List<String> each = new ArrayList<>();
        for (int i = 0; i < now.length; i++) {
            each.add(measured.get(i).name() + " " + now[i]);
        }
        return String.join(", ", each);
    }

    private long[] rss() {
        long[] mb = new long[measured.size()];
        for (int i = 0; i < mb.length; i++) {
            mb[i] = rssMb(measured.get(i).pid());
        }
        return mb;
    }

    /** The resident set of process {@code pid} in MB, from /proc; -1 if it is gone (the liveness check says so). */
    static long rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    /**
     * Runs a quick attack again and again on {@code connections} threads at once until {@code millis}
     * have passed, so that the figures during it come from a real flood and from more than a handful
     * of honest moves. Each run checks its own answer; the first failure stops them all and is thrown.
     * Returns the first answer and how many there were.
     */
    static String repeatFor(long millis, int connections, Attack once) throws Exception {
        long start = System.nanoTime();
        long deadline = start + millis * 1_000_000;
        AtomicInteger times = new AtomicInteger();
        AtomicReference<String> first = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Thread thread = new Thread(
                    () -> {
                        try {
                            do {
                                String answer = once.run();
                                first.compareAndSet(null, answer);
                                times.incrementAndGet();
                            } while (System.nanoTime() < deadline && failure.get() == null);
                        } catch (Throwable t) {
                            failure.compareAndSet(null, t);
                        }
                    },
                    "attacker-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Throwable failed = failure.get();
        if (failed instanceof Exception e) {
            throw e;
        }
        if (failed instanceof Error e) {
            throw e;
        }
        return first.get() + " [the first of " + times.get() + " in " + (System.nanoTime() - start) / 1_000_000
                + " ms" + (connections > 1 ? ", " + connections + " connections at a time" : "")
                + ", each checked as this one]";
    }
}
