package roomgate.recording;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import roomgate.protocol.recording.v1.RecordEntry;
import roomgate.protocol.recording.v1.RecordingEnd;
import roomgate.protocol.recording.v1.RecordingHeader;

/**
 * Writes one recording: the header, then length-delimited {@link RecordEntry} records, then (on a
 * clean close) a {@link RecordingEnd} with the counts. Blocking file I/O, not thread-safe: the
 * gateway calls it from its one recorder thread, never from an event loop.
 */
public final class RecordingWriter implements AutoCloseable {
    private final OutputStream out;
    private long entries;
    private boolean closed;

    public RecordingWriter(OutputStream out, RecordingHeader header) throws IOException {
        this.out = out;
        header.writeDelimitedTo(out);
    }

    /** Creates (or truncates) {@code file} and writes the header. */
    public static RecordingWriter create(Path file, RecordingHeader header) throws IOException {
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
        try {
            return new RecordingWriter(out, header);
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
    }

    public void write(RecordEntry entry) throws IOException {
        entry.writeDelimitedTo(out);
        entries++;
    }

    /** Pushes buffered records to the file, so that a reader (or a crash) sees them. */
    public void flush() throws IOException {
        out.flush();
    }

    public long entries() {
        return entries;
    }

    /** Writes the end record with {@code dropped} (entries lost before they reached this writer) and closes. */
    public void close(long dropped) throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (out) {
            RecordEntry.newBuilder()
                    .setEnd(RecordingEnd.newBuilder().setEntries(entries).setDropped(dropped))
                    .build()
                    .writeDelimitedTo(out);
        }
    }

    @Override
    public void close() throws IOException {
        close(0);
    }
}
