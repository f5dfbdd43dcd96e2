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
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
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

    /** The one sample of {@code name} with these labels (and maybe more), or 0 if there is none. */
    double value(String name, String... labels) {
        List<Sample> matching = matching(name, labels);
        assertThat(matching.size()).as("samples of %s%s", name, List.of(labels)).isLessThanOrEqualTo(1);
        if (matching.isEmpty()) {
            assertThat(samples).as("some %s sample at all", name).anyMatch(s -> s.name().equals(name) || labels.length > 0);
        }
        return matching.isEmpty() ? 0 : matching.get(0).value();
    }

    double sum(String name, String... labels) {
        return matching(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    private List<Sample> matching(String name, String... labels) {
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return samples.stream().filter(s -> s.name().equals(name)
                && s.labels().entrySet().containsAll(wanted.entrySet())).toList();
    }
}
