package roomgate.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
    @TempDir
    Path dir;

    @Test
    void jsonHoldsEveryFigureAndHtmlDrawsTheDistributionWithoutScripts() throws Exception {
        Histogram micros = new Histogram(3_600_000_000L, 3);
        for (int i = 1; i <= 1000; i++) {
            micros.recordValue(i * 10L); // 10 us .. 10 ms
        }
        Report report = new Report("test <run>")
                .put("rooms", 3)
                .put("errors", Map.of("NOT_YOUR_TURN", 2L))
                .latency("moves", LatencySummary.of(micros))
                .problem("room r copy 1: moves differ");

        Path json = ReportWriter.write(report, dir.resolve("sub").resolve("run"));

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.required("passed").isBoolean())
                .as("passed, written as a boolean")
                .isTrue();
        assertThat(root.required("passed").asBoolean()).isFalse();
        assertThat(root.path("rooms").asInt()).isEqualTo(3);
        assertThat(root.path("errors").path("NOT_YOUR_TURN").asInt()).isEqualTo(2);
        assertThat(root.path("latency").path("moves").path("p50Ms").asDouble()).isBetween(4.9, 5.1);
        assertThat(root.path("latency").path("moves").path("p99Ms").asDouble()).isBetween(9.8, 10.0);
        assertThat(root.path("latency").path("moves").path("distribution").size())
                .isGreaterThan(10);

        String html = Files.readString(dir.resolve("sub").resolve("run.html"));
        assertThat(html)
                .contains("<svg", "<path d=\"M", "99.9%", "test &lt;run&gt;", "moves differ")
                .doesNotContain("<script");
    }
}
