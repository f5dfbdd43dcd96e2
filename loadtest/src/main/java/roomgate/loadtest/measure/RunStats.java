package roomgate.loadtest.measure;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import roomgate.protocol.v1.ErrorCode;

/**
 * The figures of one measured run (or one phase of a benchmark): counts of rooms, clients,
 * messages and errors by code, and the move latency distribution. Written from client event loops
 * and driver threads at once, so counters are {@link LongAdder}s and latencies go to an
 * HdrHistogram {@link Recorder}; {@link #latencySnapshot()} folds what was recorded into the
 * cumulative histogram and is called by one thread (the progress printer, then the report).
 */
public final class RunStats {
    /** Latencies are recorded in microseconds, up to an hour, with 3 significant digits. */
    private static final long HIGHEST_MICROS = 3_600_000_000L;

    private final long startNanos = System.nanoTime();
    private final LongAdder rooms = new LongAdder();
    private final LongAdder clients = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder movesSent = new LongAdder();
    private final LongAdder movesCompleted = new LongAdder();
    private final LongAdder sequenceGaps = new LongAdder();
    private final Map<ErrorCode, LongAdder> errors = new ConcurrentHashMap<>();
    private final Recorder recorder = new Recorder(HIGHEST_MICROS, 3);
    private final Histogram cumulative = new Histogram(HIGHEST_MICROS, 3);
    private Histogram interval;

    public void roomStarted() {
        rooms.increment();
    }

    public void clientConnected() {
        clients.increment();
    }

    /** For a run that switches figures between phases: the rooms and clients the new phase starts with. */
    public void carryOver(long roomCount, long clientCount) {
        rooms.add(roomCount);
        clients.add(clientCount);
    }

    public void sent() {
        sent.increment();
    }

    public void moveSent() {
        movesSent.increment();
    }

    public void received() {
        received.increment();
    }

    public void error(ErrorCode code) {
        errors.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** A participant's event sequence skipped numbers: it missed events. */
    public void sequenceGap() {
        sequenceGaps.increment();
    }

    /** A move reached every participant of its room, {@code nanos} after it was meant to be sent. */
    public void moveCompleted(long nanos) {
        movesCompleted.increment();
        recorder.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, nanos / 1_000)));
    }

    /** Folds new latencies into the cumulative histogram and returns the ones since the last call. */
    public synchronized Histogram latencySnapshot() {
        interval = recorder.getIntervalHistogram(interval);
        cumulative.add(interval);
        return interval;
    }

    /** Everything recorded so far (call {@link #latencySnapshot()} first to include the latest). */
    public synchronized Histogram cumulativeLatency() {
        return cumulative.copy();
    }

    public long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }

    public long rooms() {
        return rooms.sum();
    }

    public long clients() {
        return clients.sum();
    }

    public long messagesSent() {
        return sent.sum();
    }

    public long messagesReceived() {
        return received.sum();
    }

    public long movesSent() {
        return movesSent.sum();
    }

    public long movesCompleted() {
        return movesCompleted.sum();
    }

    public long sequenceGaps() {
        return sequenceGaps.sum();
    }

    /** Errors by code name, sorted, for reports. */
    public Map<String, Long> errors() {
        Map<String, Long> byName = new TreeMap<>();
        errors.forEach((code, count) -> byName.put(code.name(), count.sum()));
        return byName;
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
