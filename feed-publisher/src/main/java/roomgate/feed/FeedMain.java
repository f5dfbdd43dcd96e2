package roomgate.feed;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.cluster.FeedTopics;
import roomgate.runtime.ReadyLine;

/**
 * The feed publisher operators run: joins the cluster as a Hazelcast lite member (same flags as
 * nodes and gateways), prints its ready line, then publishes random-walk prices for the given
 * topics at a steady rate, or replays a CSV file, until its count or duration is reached (or it is
 * stopped). Each topic's sequence starts at 1.
 */
public final class FeedMain {
    private static final Logger log = LoggerFactory.getLogger(FeedMain.class);

    private FeedMain() {}

    public static void main(String[] args) throws Exception {
        FeedConfig config;
        List<CsvReplay.Row> rows = null;
        try {
            config = FeedConfig.fromArgs(args, System.getenv());
            if (config.csv() != null) {
                rows = CsvReplay.read(config.csv());
            }
        } catch (IllegalArgumentException | java.io.IOException e) {
            System.err.println("roomgate-feed: " + e.getMessage());
            System.exit(2);
            return;
        }
        long pid = ProcessHandle.current().pid();
        HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(
                config.hazelcast().toMemberConfig("roomgate-feed-" + pid, true, Map.of()));
        Map<String, ITopic<byte[]>> topics = new HashMap<>();
        long[] lastFailureLog = {0};
        FeedPublisher publisher = new FeedPublisher(
                (topic, bytes) -> {
                    try {
                        topics.computeIfAbsent(
                                        topic, t -> hazelcast.<byte[]>getReliableTopic(FeedTopics.upstreamName(t)))
                                .publish(bytes);
                    } catch (RuntimeException e) {
                        // A price publisher goes on: the next price supersedes this one, and subscribers
                        // see the gap in the sequence. At most one log line a second.
                        if (System.nanoTime() - lastFailureLog[0] > 1_000_000_000L) {
                            lastFailureLog[0] = System.nanoTime();
                            log.warn("could not publish to {}: {}", topic, e.toString());
                        }
                    }
                },
                System::currentTimeMillis);
        // On SIGTERM: interrupt the publishing loop and let main shut Hazelcast down.
        Thread main = Thread.currentThread();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            main.interrupt();
                            try {
                                main.join(5_000);
                            } catch (InterruptedException ignored) {
                                // Shutting down anyway.
                            }
                        },
                        "shutdown"));
        if (!awaitDataMember(hazelcast)) {
            Thread.interrupted(); // see below
            hazelcast.shutdown();
            return;
        }

        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put(
                "topics",
                rows != null
                        ? rows.stream().map(CsvReplay.Row::topic).distinct().count()
                        : config.topics().size());
        ready.put("mode", rows != null ? "csv" : "random-walk");
        ready.put(
                "hz-port", hazelcast.getCluster().getLocalMember().getAddress().getPort());
        ready.put("pid", pid);
        System.out.println(ReadyLine.format("feed", ready));
        System.out.flush();

        long started = System.nanoTime();
        try {
            if (rows != null) {
                replay(rows, config, publisher, started);
            } else {
                randomWalk(config, publisher, started);
            }
        } finally {
            double seconds = (System.nanoTime() - started) / 1e9;
            log.info("published {} updates in {} s", publisher.published(), String.format("%.1f", seconds));
            System.out.println("ROOMGATE-FEED-DONE published=" + publisher.published() + " rate="
                    + String.format("%.0f", publisher.published() / seconds) + " behind-windows=" + behindWindows);
            System.out.flush();
            // Stopped by the shutdown hook's interrupt: clear it, or Hazelcast's graceful
            // shutdown fails on its first wait.
            Thread.interrupted();
            hazelcast.shutdown();
        }
    }

    /**
     * Feed topics live on the game nodes (data members); a cluster of lite members only cannot store
     * them. Waits for one, so a publisher may be started before the nodes; false if stopped first.
     */
    private static boolean awaitDataMember(HazelcastInstance hazelcast) {
        boolean told = false;
        while (hazelcast.getCluster().getMembers().stream().allMatch(m -> m.isLiteMember())) {
            if (!told) {
                log.info("waiting for a game node to join: the feed topics are stored on the nodes");
                told = true;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        return true;
    }

    /** One update per topic every 1/rate seconds, on a fixed schedule that does not drift. */
    private static void randomWalk(FeedConfig config, FeedPublisher publisher, long started) {
        Map<String, PriceWalk> walks = new LinkedHashMap<>();
        for (int i = 0; i < config.topics().size(); i++) {
            walks.put(config.topics().get(i), new PriceWalk(config.seed() * 1_000_003L + i));
        }
        long period = (long) (TimeUnit.SECONDS.toNanos(1) / config.ratePerTopic());
        PaceWatch pace =
                new PaceWatch(config.ratePerTopic() * walks.size(), TimeUnit.SECONDS.toNanos(5), started, log::warn);
        try {
            for (long tick = 0; config.count() == 0 || tick < config.count(); tick++) {
                if (!waitUntil(started + tick * period, config, started)) {
                    return;
                }
                walks.forEach((topic, walk) -> publisher.publish(topic, walk.next()));
                pace.published(walks.size(), System.nanoTime());
            }
        } finally {
            behindWindows = pace.behindWindows();
        }
    }

    /** Windows of 5 s in which the random walk fell below its rate (printed with the final line). */
    private static long behindWindows;

    private static void replay(List<CsvReplay.Row> rows, FeedConfig config, FeedPublisher publisher, long started) {
        long limit = config.count() == 0 ? rows.size() : Math.min(config.count(), rows.size());
        for (int i = 0; i < limit; i++) {
            CsvReplay.Row row = rows.get(i);
            if (!waitUntil(
                    started + (long) (TimeUnit.MILLISECONDS.toNanos(row.atMillis()) / config.speed()),
                    config,
                    started)) {
                return;
            }
            publisher.publish(row.topic(), row.price());
        }
    }

    /** Sleeps until {@code deadline}; false if the duration runs out first or the process is stopping. */
    private static boolean waitUntil(long deadline, FeedConfig config, long started) {
        long end = config.duration().isZero()
                ? Long.MAX_VALUE
                : started + config.duration().toNanos();
        // The clock too, not only the schedule: a publisher that falls behind publishes late, and
        // its --duration is wall-clock time.
        if (deadline - end >= 0 || System.nanoTime() - end >= 0) {
            return false;
        }
        for (long now; (now = System.nanoTime()) - deadline < 0; ) {
            LockSupport.parkNanos(deadline - now);
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        return !Thread.currentThread().isInterrupted();
    }
}
