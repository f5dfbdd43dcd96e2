package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One scrape of a process's {@code /metrics}: the samples of Prometheus' text format, read as Prometheus would. */
record Metrics(List<Sample> samples) {
    record Sample(String name, Map<String, String> labels, double value) {}

    /** GETs {@code uri}, which must answer 200 in Prometheus' text format. */
    static Metrics scrape(HttpClient http, URI uri) throws Exception {
        HttpResponse<String> response =
                http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", uri).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        return parse(response.body());
    }

    /** {@code name{k="v",...} value} lines; comments skipped. */
    static Metrics parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name = brace >= 0 ? line.substring(0, brace) : line.substring(0, space);
            Map<String, String> labels = new LinkedHashMap<>();
            if (brace >= 0) {
                String inner = line.substring(brace + 1, line.lastIndexOf('}'));
                for (String pair : inner.split("\",")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        labels.put(pair.substring(0, eq), pair.substring(eq + 2).replaceAll("\"$", ""));
                    }
                }
            }
            samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
        }
        return new Metrics(samples);
    }

    /**
     * The one sample of {@code name} with these labels (and maybe more). Fails if the scrape has no
     * sample of {@code name} at all (a misspelled or missing meter), if a label is one no sample of
     * {@code name} has, or if no sample (or more than one) has these label values: a meter that is
     * registered up front always has its sample, so reading it can never silently give 0.
     */
    double value(String name, String... labels) {
        List<Sample> matching = matching(name, labels);
        if (matching.size() != 1) {
            throw new AssertionError(String.format(
                    "expected one sample of %s%s, found %d; the samples of %s: %s",
                    name, List.of(labels), matching.size(), name, samplesOf(name)));
        }
        return matching.get(0).value();
    }

    /**
     * For a counter the process registers on its first count (so that a process that never counted
     * has no sample of it): the one sample's value, or 0 if there is none. The name and labels cannot
     * be checked against a process that never counted, so read the same name and labels with
     * {@link #value} where the count is not 0, in the same test.
     */
    double countedOrZero(String name, String... labels) {
        Map<String, String> wanted = wanted(name, labels);
        List<Sample> matching = samples.stream()
                .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(wanted.entrySet()))
                .toList();
        if (matching.size() > 1) {
            throw new AssertionError("more than one sample of " + name + wanted + ": " + matching);
        }
        return matching.isEmpty() ? 0 : matching.get(0).value();
    }

    /** The sum of the samples of {@code name} with these labels (and maybe more); fails as {@link #value} does on a name or label no sample has. */
    double sum(String name, String... labels) {
        return matching(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    /** The samples of {@code name} with these labels; fails if there is no sample of {@code name}, or none with such a label. */
    private List<Sample> matching(String name, String... labels) {
        Map<String, String> wanted = wanted(name, labels);
        List<Sample> named = samplesOf(name);
        if (named.isEmpty()) {
            throw new AssertionError("no metric " + name + " in the scrape; names there: "
                    + samples.stream().map(Sample::name).distinct().sorted().toList());
        }
        for (String key : wanted.keySet()) {
            if (named.stream().noneMatch(s -> s.labels().containsKey(key))) {
                throw new AssertionError("no sample of " + name + " has a label " + key + ": " + named);
            }
        }
        return named.stream()
                .filter(s -> s.labels().entrySet().containsAll(wanted.entrySet()))
                .toList();
    }

    private List<Sample> samplesOf(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    private static Map<String, String> wanted(String name, String... labels) {
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "labels of " + name + " must come as name, value pairs: " + List.of(labels));
        }
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return wanted;
    }
}
