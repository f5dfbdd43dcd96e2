package roomgate.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} serves the registry in Prometheus' text format; other paths are 404s. */
class MetricsHttpServerTest {

    @Test
    void servesTheRegistryInPrometheusTextFormat() throws Exception {
        PrometheusMeterRegistry registry = ProcessMetrics.newRegistry();
        registry.counter("roomgate.test.things", "kind", "a").increment(3);
        try (MetricsHttpServer server = MetricsHttpServer.start("127.0.0.1", 0, registry)) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> metrics = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValue(MetricsHttpServer.CONTENT_TYPE);
            assertThat(metrics.body()).contains("roomgate_test_things_total{kind=\"a\"} 3.0");

            HttpResponse<String> other = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/nope"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).isEqualTo(404);
        }
    }
}
