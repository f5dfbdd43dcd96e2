package roomgate.recording;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import roomgate.protocol.recording.v1.RecordEntry;
import roomgate.protocol.recording.v1.RecordingEnd;
import roomgate.protocol.recording.v1.RecordingHeader;

/**
 * Reads a recording written by {@link RecordingWriter}: checks the header's format and version on
 * open, then hands out the entries one by one. A file cut short (the gateway was killed) is read
 * up to its last whole record and reported by {@link #end()} being null; the end record itself is
 * not handed out by {@link #next()}.
 */
public final class RecordingReader implements AutoCloseable {
    private final InputStream in;
    private final String source;
    private final RecordingHeader header;
    private RecordingEnd end;
    private boolean truncated;
    private boolean finished;

    public RecordingReader(InputStream in, String source) throws IOException {
        this.in = in;
        this.source = source;
        RecordingHeader parsed;
        try {
            parsed = RecordingHeader.parseDelimitedFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new RecordingFormatException(
                    source + ": not a roomgate recording (no readable header: " + e.getMessage() + ")", e);
        }
        if (parsed == null) {
            throw new RecordingFormatException(source + ": empty file, not a roomgate recording");
        }
        RecordingFormat.check(parsed, source);
        this.header = parsed;
    }

    public static RecordingReader open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
        try {
            return new RecordingReader(in, file.toString());
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    public RecordingHeader header() {
        return header;
    }

    /** The next message or session end, or null at the end of the file. */
    public RecordEntry next() throws IOException {
        if (finished) {
            return null;
        }
        RecordEntry entry;
        try {
            entry = RecordEntry.parseDelimitedFrom(in);
        } catch (InvalidProtocolBufferException e) {
            // A record cut in the middle: everything before it is good.
            truncated = true;
            finished = true;
            return null;
        }
        if (entry == null) {
            truncated = end == null;
            finished = true;
            return null;
        }
        if (entry.hasEnd()) {
            end = entry.getEnd();
            finished = true;
            return null;
        }
        return entry;
    }

    /** The end record, once {@link #next()} has returned null; null if the file was not closed cleanly. */
    public RecordingEnd end() {
        return end;
    }

    /** True once reading stopped at a missing end record or a record cut short. */
    public boolean truncated() {
        return truncated;
    }

    public String source() {
        return source;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
