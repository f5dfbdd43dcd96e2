package roomgate.loadtest.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run found, in the order a reader wants it: a title, the figures (any JSON-able values,
 * nested maps allowed), and named latency distributions. {@link ReportWriter} turns it into a JSON
 * file with every figure and an HTML page that draws the distributions.
 */
public final class Report {
    private final String title;
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final Map<String, LatencySummary> latencies = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    public Report(String title) {
        this.title = title;
    }

    public Report put(String name, Object value) {
        figures.put(name, value);
        return this;
    }

    public Report latency(String name, LatencySummary summary) {
        latencies.put(name, summary);
        return this;
    }

    /** Something the run found wrong (a mismatched room, a participant that missed moves); shown first. */
    public Report problem(String problem) {
        problems.add(problem);
        return this;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> figures() {
        return figures;
    }

    public Map<String, LatencySummary> latencies() {
        return latencies;
    }

    public List<String> problems() {
        return problems;
    }

    public boolean passed() {
        return problems.isEmpty();
    }
}
