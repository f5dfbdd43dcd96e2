package roomgate.loadtest.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The figures of one latency histogram (recorded in microseconds) as a report shows them: count,
 * mean, percentiles in milliseconds, and the whole percentile distribution for plotting.
 */
public record LatencySummary(
        long count,
        double minMs,
        double meanMs,
        double p50Ms,
        double p90Ms,
        double p99Ms,
        double p999Ms,
        double maxMs,
        List<double[]> distribution) {

    public static LatencySummary of(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0, List.of());
        }
        List<double[]> distribution = new ArrayList<>();
        for (HistogramIterationValue v : micros.percentiles(5)) {
            distribution.add(new double[] {v.getPercentileLevelIteratedTo(), ms(v.getValueIteratedTo())});
            if (v.getPercentileLevelIteratedTo() >= 100.0) {
                break;
            }
        }
        return new LatencySummary(
                micros.getTotalCount(),
                ms(micros.getMinValue()),
                micros.getMean() / 1000.0,
                ms(micros.getValueAtPercentile(50)),
                ms(micros.getValueAtPercentile(90)),
                ms(micros.getValueAtPercentile(99)),
                ms(micros.getValueAtPercentile(99.9)),
                ms(micros.getMaxValue()),
                distribution);
    }

    private static double ms(long micros) {
        return Math.round(micros) / 1000.0;
    }

    /** The figures without the distribution, for tables and progress lines. */
    public Map<String, Object> figures() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("count", count);
        f.put("p50Ms", p50Ms);
        f.put("p90Ms", p90Ms);
        f.put("p99Ms", p99Ms);
        f.put("p999Ms", p999Ms);
        f.put("maxMs", maxMs);
        return f;
    }
}
