package roomgate.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchSummaryTest {
    @TempDir
    Path dir;

    private Path result(String target, int round, double closedMoves, double p99, Double cpu, Long heap)
            throws Exception {
        String json = String.format(Locale.ROOT, """
                {"targetName":"%s","phases":{
                  "open-500":{"movesPerSecond":500,"messagesPerSecond":2000,"latency":{"p50Ms":1.0,"p99Ms":%s,"p999Ms":9.0},
                              "routingCpuMicrosPerMessage":%s},
                  "closed":{"movesPerSecond":%s,"messagesPerSecond":%s,"latency":{"p50Ms":5.0,"p99Ms":20.0,"p999Ms":30.0},
                              "routingCpuMicrosPerMessage":%s}},
                 "idle":{"heapBytesPerConnection":%s,"rssBytesPerConnection":20000}}
                """, target, p99, cpu, closedMoves, closedMoves * 4, cpu, heap);
        Path file = dir.resolve(target + "-" + round + ".json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void mediansRatiosAndGoalVerdicts() throws Exception {
        List<Path> files = new ArrayList<>();
        // direct: the floor; roomgate and nginx over three rounds each.
        files.add(result("direct", 1, 10_000, 2.0, null, null));
        files.add(result("direct", 2, 12_000, 2.0, null, null));
        files.add(result("roomgate", 1, 9_000, 3.0, 10.0, 9_000L));
        files.add(result("roomgate", 2, 9_500, 2.5, 12.0, 9_500L));
        files.add(result("roomgate", 3, 20_000, 4.0, 11.0, 8_000L));
        files.add(result("nginx", 1, 6_000, 6.0, 30.0, null));
        files.add(result("nginx", 2, 6_500, 5.0, 20.0, null));

        BenchSummary summary = BenchSummary.of(files);

        // roomgate closed: median 9,500 of 11,000 (direct's median) = 0.86 -> met.
        assertThat(summary.goals()).containsEntry("closed-loop throughput roomgate >= 0.85 x direct", true);
        // CPU: 11 vs nginx's 25 = 0.44 -> met; open-500 p99: roomgate adds 1.0 ms, nginx 3.5 ms -> met.
        assertThat(summary.goals()).containsEntry("open-500: routing CPU/msg roomgate <= 0.5 x nginx", true);
        assertThat(summary.goals()).containsEntry("open-500: added p99 roomgate <= 0.5 x nginx's", true);
        assertThat(summary.goals()).containsEntry("gateway heap per idle connection fits 100k in 1.5 GiB", true);
        String md = summary.markdown();
        assertThat(md)
                .contains("| moves/s | 11000 (10000-12000) | 9500 (9000-20000) | 6250 (6000-6500) | 1.52 | 0.86 |");
        assertThat(md).contains("MET: closed-loop throughput");
    }

    @Test
    void aMissedGoalIsReportedAsMissed() throws Exception {
        List<Path> files = List.of(
                result("direct", 1, 10_000, 2.0, null, null),
                result("roomgate", 1, 8_000, 5.0, 20.0, 30_000L),
                result("nginx", 1, 6_000, 6.0, 30.0, null));

        BenchSummary summary = BenchSummary.of(files);

        assertThat(summary.goals()).containsEntry("closed-loop throughput roomgate >= 0.85 x direct", false);
        assertThat(summary.goals()).containsEntry("open-500: routing CPU/msg roomgate <= 0.5 x nginx", false);
        assertThat(summary.goals()).containsEntry("open-500: added p99 roomgate <= 0.5 x nginx's", false);
        assertThat(summary.goals()).containsEntry("gateway heap per idle connection fits 100k in 1.5 GiB", false);
        assertThat(summary.markdown()).contains("MISSED: closed-loop throughput");
    }
}
