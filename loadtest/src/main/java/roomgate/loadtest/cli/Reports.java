package roomgate.loadtest.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import roomgate.loadtest.report.LatencySummary;
import roomgate.loadtest.report.Report;
import roomgate.loadtest.report.ReportWriter;

/** The end of every command: the report files, a summary on the console, and the exit code (0 passed, 1 problems). */
final class Reports {
    private Reports() {}

    static int finish(Report report, Path base, PrintStream out) throws IOException {
        Path json = ReportWriter.write(report, base);
        out.println("== " + report.title());
        report.figures().forEach((k, v) -> {
            if (!(v instanceof java.util.Map<?, ?> m) || m.size() <= 8) {
                out.println("  " + k + ": " + v);
            }
        });
        for (var e : report.latencies().entrySet()) {
            LatencySummary s = e.getValue();
            out.printf(
                    "  latency %s: n=%d p50=%.2fms p90=%.2fms p99=%.2fms p99.9=%.2fms max=%.2fms%n",
                    e.getKey(), s.count(), s.p50Ms(), s.p90Ms(), s.p99Ms(), s.p999Ms(), s.maxMs());
        }
        if (report.passed()) {
            out.println("  PASSED");
        } else {
            out.println("  FAILED: " + report.problems().size() + " problems");
            report.problems().stream().limit(20).forEach(p -> out.println("    - " + p));
        }
        out.println("  report: " + json + " and " + json.toString().replaceAll("\\.json$", ".html"));
        out.flush();
        return report.passed() ? 0 : 1;
    }
}
