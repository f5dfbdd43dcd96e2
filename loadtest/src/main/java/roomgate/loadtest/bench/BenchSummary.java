package roomgate.loadtest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Folds the JSON results of several bench passes (targets x rounds) into one comparison: for each
 * phase, metric and target the median with min-max over the rounds, the ratios roomgate/nginx and
 * roomgate/direct of the medians, and the verdict on each goal the project set itself. Targets are
 * told apart by the {@code targetName} of each file: {@code direct}, {@code roomgate}, {@code nginx}.
 */
public final class BenchSummary {
    static final String DIRECT = "direct";
    static final String ROOMGATE = "roomgate";
    static final String NGINX = "nginx";
    /** 100,000 idle connections must fit in a 1.5 GiB heap. */
    static final double IDLE_BYTES_BUDGET = 1.5 * 1024 * 1024 * 1024 / 100_000;

    private static final String[][] PHASE_METRICS = {
        {"movesPerSecond", "moves/s"},
        {"messagesPerSecond", "msgs/s"},
        {"latency.p50Ms", "p50 ms"},
        {"latency.p99Ms", "p99 ms"},
        {"latency.p999Ms", "p99.9 ms"},
        {"routingCpuMicrosPerMessage", "routing CPU us/msg"},
    };

    /** Median, min and max of one metric over the rounds. */
    public record Stat(double median, double min, double max, int n) {
        static Stat of(List<Double> values) {
            List<Double> sorted = values.stream().sorted().toList();
            int n = sorted.size();
            double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
            return new Stat(median, sorted.get(0), sorted.get(n - 1), n);
        }

        String show() {
            return n == 1 ? fmt(median) : fmt(median) + " (" + fmt(min) + "-" + fmt(max) + ")";
        }
    }

    private final Map<String, Map<String, Map<String, Stat>>> byPhase = new LinkedHashMap<>();
    private final Map<String, Map<String, Stat>> idle = new LinkedHashMap<>();
    private final Map<String, Boolean> goals = new LinkedHashMap<>();
    private final List<String> goalNotes = new ArrayList<>();

    private BenchSummary() {}

    public static BenchSummary of(List<Path> results) throws IOException {
        ObjectMapper json = new ObjectMapper();
        // phase -> metric -> target -> values
        Map<String, Map<String, Map<String, List<Double>>>> values = new LinkedHashMap<>();
        Map<String, Map<String, List<Double>>> idleValues = new LinkedHashMap<>();
        for (Path file : results) {
            JsonNode root = json.readTree(file.toFile());
            String target = root.path("targetName").asText();
            root.path("phases").properties().forEach(phase -> {
                for (String[] metric : PHASE_METRICS) {
                    JsonNode v = at(phase.getValue(), metric[0]);
                    if (v.isNumber()) {
                        values.computeIfAbsent(phase.getKey(), p -> new LinkedHashMap<>())
                                .computeIfAbsent(metric[0], m -> new LinkedHashMap<>())
                                .computeIfAbsent(target, t -> new ArrayList<>())
                                .add(v.asDouble());
                    }
                }
            });
            JsonNode idleNode = root.path("idle");
            for (String metric : List.of("heapBytesPerConnection", "rssBytesPerConnection")) {
                if (idleNode.path(metric).isNumber()) {
                    idleValues
                            .computeIfAbsent(metric, m -> new LinkedHashMap<>())
                            .computeIfAbsent(target, t -> new ArrayList<>())
                            .add(idleNode.path(metric).asDouble());
                }
            }
        }
        BenchSummary s = new BenchSummary();
        values.forEach((phase, metrics) ->
                metrics.forEach((metric, targets) -> targets.forEach((target, list) -> s.byPhase
                        .computeIfAbsent(phase, p -> new LinkedHashMap<>())
                        .computeIfAbsent(metric, m -> new LinkedHashMap<>())
                        .put(target, Stat.of(list)))));
        idleValues.forEach((metric, targets) -> targets.forEach((target, list) ->
                s.idle.computeIfAbsent(metric, m -> new LinkedHashMap<>()).put(target, Stat.of(list))));
        s.judge();
        return s;
    }

    private static JsonNode at(JsonNode node, String dotted) {
        for (String part : dotted.split("\\.")) {
            node = node.path(part);
        }
        return node;
    }

    private Double median(String phase, String metric, String target) {
        Stat s = byPhase.getOrDefault(phase, Map.of())
                .getOrDefault(metric, Map.of())
                .get(target);
        return s == null ? null : s.median();
    }

    private void judge() {
        Double gwClosed = median("closed", "movesPerSecond", ROOMGATE);
        Double directClosed = median("closed", "movesPerSecond", DIRECT);
        if (gwClosed != null && directClosed != null) {
            double r = gwClosed / directClosed;
            goals.put("closed-loop throughput roomgate >= 0.85 x direct", r >= 0.85);
            goalNotes.add(
                    String.format(Locale.ROOT, "closed-loop throughput roomgate/direct = %.2f (goal >= 0.85)", r));
        }
        for (String phase : byPhase.keySet()) {
            Double gwCpu = median(phase, "routingCpuMicrosPerMessage", ROOMGATE);
            Double ngCpu = median(phase, "routingCpuMicrosPerMessage", NGINX);
            if (gwCpu != null && ngCpu != null && ngCpu > 0) {
                double r = gwCpu / ngCpu;
                goals.put(phase + ": routing CPU/msg roomgate <= 0.5 x nginx", r <= 0.5);
                goalNotes.add(String.format(
                        Locale.ROOT, "%s: routing CPU/msg roomgate/nginx = %.2f (goal <= 0.5)", phase, r));
            }
            Double gw = median(phase, "latency.p99Ms", ROOMGATE);
            Double ng = median(phase, "latency.p99Ms", NGINX);
            Double di = median(phase, "latency.p99Ms", DIRECT);
            if (gw != null && ng != null && di != null && !phase.equals("closed")) {
                double addedGw = gw - di;
                double addedNg = ng - di;
                boolean ok = addedGw <= 0.5 * Math.max(addedNg, 0) || addedGw <= 0;
                goals.put(phase + ": added p99 roomgate <= 0.5 x nginx's", ok);
                goalNotes.add(String.format(
                        Locale.ROOT,
                        "%s: p99 added over direct: roomgate %+.2f ms, nginx %+.2f ms",
                        phase,
                        addedGw,
                        addedNg));
            }
        }
        Stat heap = idle.getOrDefault("heapBytesPerConnection", Map.of()).get(ROOMGATE);
        if (heap != null) {
            goals.put("gateway heap per idle connection fits 100k in 1.5 GiB", heap.median() <= IDLE_BYTES_BUDGET);
            goalNotes.add(String.format(
                    Locale.ROOT,
                    "gateway heap per idle WebSocket %.0f B: 100,000 need %.2f GiB (goal <= 1.5)",
                    heap.median(),
                    heap.median() * 100_000 / (1024.0 * 1024 * 1024)));
        }
    }

    public Map<String, Boolean> goals() {
        return goals;
    }

    /** The comparison as Markdown tables, for the console and the README. */
    public String markdown() {
        StringBuilder md = new StringBuilder();
        Set<String> targets = new LinkedHashSet<>(List.of(DIRECT, ROOMGATE, NGINX));
        for (Map.Entry<String, Map<String, Map<String, Stat>>> phase : byPhase.entrySet()) {
            md.append("\n**").append(phase.getKey()).append("** (median of rounds, min-max)\n\n");
            md.append(
                    "| metric | direct | roomgate | nginx | roomgate/nginx | roomgate/direct |\n|---|---|---|---|---|---|\n");
            for (String[] metric : PHASE_METRICS) {
                Map<String, Stat> row = phase.getValue().get(metric[0]);
                if (row == null) {
                    continue;
                }
                md.append("| ").append(metric[1]);
                for (String t : targets) {
                    Stat s = row.get(t);
                    md.append(" | ").append(s == null ? "-" : s.show());
                }
                md.append(" | ")
                        .append(ratio(row, NGINX))
                        .append(" | ")
                        .append(ratio(row, DIRECT))
                        .append(" |\n");
            }
        }
        if (!idle.isEmpty()) {
            md.append(
                    "\n**idle connections** (bytes per connection)\n\n| metric | direct | roomgate | nginx |\n|---|---|---|---|\n");
            idle.forEach((metric, row) -> {
                md.append("| ").append(metric);
                for (String t : targets) {
                    Stat s = row.get(t);
                    md.append(" | ").append(s == null ? "-" : s.show());
                }
                md.append(" |\n");
            });
        }
        md.append("\n**goals**\n\n");
        goalNotes.forEach(n -> md.append("- ").append(n).append('\n'));
        goals.forEach((goal, met) ->
                md.append("- ").append(met ? "MET: " : "MISSED: ").append(goal).append('\n'));
        return md.toString();
    }

    private static String ratio(Map<String, Stat> row, String over) {
        Stat gw = row.get(ROOMGATE);
        Stat other = row.get(over);
        if (gw == null || other == null || other.median() == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2f", gw.median() / other.median());
    }

    private static String fmt(double v) {
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** Everything as a JSON-able map. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("phases", byPhase);
        m.put("idle", idle);
        m.put("goals", goals);
        m.put("notes", goalNotes);
        return m;
    }
}
