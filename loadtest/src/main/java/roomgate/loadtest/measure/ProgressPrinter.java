package roomgate.loadtest.measure;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * Prints one progress line every interval while a run goes on: elapsed time, rooms, clients,
 * messages sent and received, errors by code, and the latency percentiles of the moves completed
 * in that interval. Taking the interval histogram also folds it into the run's cumulative one.
 */
public final class ProgressPrinter implements AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "progress");
        t.setDaemon(true);
        return t;
    });
    private final Supplier<RunStats> stats;
    private final PrintStream out;
    private final String label;

    public ProgressPrinter(String label, Supplier<RunStats> stats, PrintStream out, long intervalMillis) {
        this.label = label;
        this.stats = stats;
        this.out = out;
        timer.scheduleAtFixedRate(this::print, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    private void print() {
        RunStats s = stats.get();
        Histogram interval = s.latencySnapshot();
        out.printf(
                "[%s] %5.1fs rooms=%d clients=%d sent=%d recv=%d moves=%d/%d errors=%s | interval p50=%s p99=%s max=%s (n=%d)%n",
                label,
                s.elapsedNanos() / 1e9,
                s.rooms(),
                s.clients(),
                s.messagesSent(),
                s.messagesReceived(),
                s.movesCompleted(),
                s.movesSent(),
                s.errors(),
                ms(interval, 50),
                ms(interval, 99),
                interval.getTotalCount() == 0 ? "-" : String.format("%.2fms", interval.getMaxValue() / 1000.0),
                interval.getTotalCount());
        out.flush();
    }

    private static String ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? "-" : String.format("%.2fms", h.getValueAtPercentile(percentile) / 1000.0);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
