package roomgate.gateway.recording;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.protocol.recording.v1.RecordEntry;
import roomgate.protocol.recording.v1.SessionEnded;
import roomgate.protocol.v1.ClientMessage;
import roomgate.recording.RecordingFormat;
import roomgate.recording.RecordingWriter;

/**
 * Records the traffic of the rooms whose IDs match a {@link RoomPattern} to a file
 * (docs/RECORDING.md). Event loops only build an entry and offer it to a bounded queue; one writer
 * thread does all file I/O. When the queue is full the entry is dropped and counted rather than
 * making an event loop wait: a recording may lose traffic under overload, the gateway may not.
 * The count of drops goes into the file's end record and the log.
 */
public final class FileTrafficRecorder implements TrafficRecorder {
    private static final Logger log = LoggerFactory.getLogger(FileTrafficRecorder.class);
    static final int QUEUE_CAPACITY = 64 * 1024;
    private static final int BATCH = 1024;
    private static final long FLUSH_AFTER_IDLE_MS = 200;

    private final RoomPattern rooms;
    private final Path file;
    private final long startNanos = System.nanoTime();
    private final BlockingQueue<RecordEntry> queue;
    private final AtomicLong dropped = new AtomicLong();
    /** Sessions with at least one recorded message: only their ends are worth recording. */
    private final Set<Long> recordedSessions = ConcurrentHashMap.newKeySet();

    private final RecordingWriter writer;
    private final Thread thread;
    private volatile boolean stopping;

    private FileTrafficRecorder(RoomPattern rooms, Path file, RecordingWriter writer, int capacity) {
        this.rooms = rooms;
        this.file = file;
        this.writer = writer;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::writeLoop, "traffic-recorder");
        this.thread.setDaemon(true);
    }

    /** Creates the file, writes its header and starts the writer thread. */
    public static FileTrafficRecorder start(RoomPattern rooms, Path file, String gatewayId) throws IOException {
        return start(rooms, file, gatewayId, QUEUE_CAPACITY);
    }

    static FileTrafficRecorder start(RoomPattern rooms, Path file, String gatewayId, int capacity) throws IOException {
        FileTrafficRecorder recorder = unstarted(rooms, file, gatewayId, capacity);
        recorder.startWriter();
        return recorder;
    }

    /** Created with its file but no writer yet: lets a test fill the queue deterministically. */
    static FileTrafficRecorder unstarted(RoomPattern rooms, Path file, String gatewayId, int capacity)
            throws IOException {
        RecordingWriter writer = RecordingWriter.create(
                file, RecordingFormat.header(gatewayId, System.currentTimeMillis(), rooms.toString()));
        return new FileTrafficRecorder(rooms, file, writer, capacity);
    }

    void startWriter() {
        thread.start();
        log.info("recording rooms {} to {}", rooms, file);
    }

    @Override
    public void roomRequest(long sessionId, String roomId, ClientMessage message) {
        if (!rooms.matches(roomId)) {
            return;
        }
        if (!recordedSessions.contains(sessionId)) {
            recordedSessions.add(sessionId);
        }
        offer(RecordEntry.newBuilder()
                .setOffsetMicros(offsetMicros())
                .setSessionId(sessionId)
                .setRoomId(roomId)
                .setMessage(message)
                .build());
    }

    @Override
    public void sessionEnded(long sessionId) {
        if (recordedSessions.remove(sessionId)) {
            offer(RecordEntry.newBuilder()
                    .setOffsetMicros(offsetMicros())
                    .setSessionId(sessionId)
                    .setSessionEnded(SessionEnded.getDefaultInstance())
                    .build());
        }
    }

    private long offsetMicros() {
        return (System.nanoTime() - startNanos) / 1_000;
    }

    private void offer(RecordEntry entry) {
        if (stopping || !queue.offer(entry)) {
            dropped.incrementAndGet();
        }
    }

    /** Entries lost so far because the queue was full (or recording had stopped). */
    public long dropped() {
        return dropped.get();
    }

    private void writeLoop() {
        List<RecordEntry> batch = new ArrayList<>(BATCH);
        try {
            while (!stopping || !queue.isEmpty()) {
                RecordEntry first = queue.poll(FLUSH_AFTER_IDLE_MS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    // Idle: make what we have visible on disk, so a killed gateway loses at most this much.
                    writer.flush();
                    continue;
                }
                writer.write(first);
                queue.drainTo(batch, BATCH);
                for (RecordEntry entry : batch) {
                    writer.write(entry);
                }
                batch.clear();
            }
        } catch (IOException e) {
            log.error("recording to {} failed; recording stops", file, e);
            stopping = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            // The disk is stuck; writing the end record now would race the writer thread.
            log.warn("recording {} not finished: the writer is still busy", file);
            return;
        }
        long lost = dropped.get() + queue.size();
        try {
            writer.close(lost);
        } catch (IOException e) {
            log.error("could not finish recording {}", file, e);
        }
        log.info("recording {} closed: {} entries, {} dropped", file, writer.entries(), lost);
    }
}
