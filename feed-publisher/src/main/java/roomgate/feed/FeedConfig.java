package roomgate.feed;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import roomgate.cluster.FeedTopics;
import roomgate.cluster.HazelcastSettings;
import roomgate.runtime.Flags;

/**
 * What the feed publisher is told at start-up; built once in {@link FeedMain} from flags and
 * environment. Either random-walk prices for {@code topics} at {@code ratePerTopic} updates a
 * second each, or a replay of {@code csv} at {@code speed} times its own pace. It stops after
 * {@code count} updates per topic (rows, for a replay) or after {@code duration}, whichever comes
 * first; 0 means no such limit.
 */
public record FeedConfig(
        List<String> topics,
        double ratePerTopic,
        long seed,
        Path csv,
        double speed,
        long count,
        Duration duration,
        HazelcastSettings hazelcast) {

    static final List<String> FLAGS = List.of("symbols", "topics", "rate", "seed", "csv", "speed", "count", "duration");

    public FeedConfig {
        topics = List.copyOf(topics);
        if (csv == null && topics.isEmpty()) {
            throw new IllegalArgumentException("no topics (expected: --symbols N, --topics a,b or --csv FILE)");
        }
        for (String topic : topics) {
            String problem = FeedTopics.problemWith(topic);
            if (problem != null) {
                throw new IllegalArgumentException("--topics: " + problem);
            }
        }
        if (!(ratePerTopic > 0) || ratePerTopic > 100_000) {
            throw new IllegalArgumentException(
                    "--rate: " + ratePerTopic + " (expected: > 0 and <= 100000 updates/s per topic)");
        }
        if (!(speed > 0)) {
            throw new IllegalArgumentException("--speed: " + speed + " (expected: > 0)");
        }
        if (count < 0) {
            throw new IllegalArgumentException("--count: " + count + " (expected: >= 0)");
        }
    }

    public static FeedConfig fromArgs(String[] args, Map<String, String> env) {
        Set<String> known = new HashSet<>(FLAGS);
        known.addAll(HazelcastSettings.FLAGS);
        Flags flags = Flags.parse(args, env, known);
        List<String> topics = new ArrayList<>();
        String named = flags.get("topics", "");
        if (!named.isBlank()) {
            for (String t : named.split(",")) {
                topics.add(t.trim());
            }
        }
        int symbols = flags.getInt("symbols", 0, 0, 100_000);
        for (int i = 1; i <= symbols; i++) {
            topics.add("stock.SYM" + i);
        }
        String csv = flags.get("csv", "");
        if (csv.isBlank() && topics.isEmpty()) {
            topics.add("stock.SYM1");
        }
        return new FeedConfig(
                topics,
                parseDouble(flags, "rate", 1),
                Long.parseLong(flags.get("seed", "42")),
                csv.isBlank() ? null : Path.of(csv),
                parseDouble(flags, "speed", 1),
                Long.parseLong(flags.get("count", "0")),
                Duration.ofMillis((long) (parseDouble(flags, "duration", 0) * 1000)),
                HazelcastSettings.fromFlags(flags));
    }

    private static double parseDouble(Flags flags, String name, double defaultValue) {
        String raw = flags.get(name, null);
        if (raw == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": '" + raw + "' (expected: a number)");
        }
    }
}
