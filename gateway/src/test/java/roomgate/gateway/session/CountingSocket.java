package roomgate.gateway.session;

import io.netty.buffer.ByteBuf;

/**
 * A connection's socket as far as shared frames go, for the fan-out allocation tests: takes each
 * binary frame written, counts it and lets it go.
 */
public final class CountingSocket implements EncodedOutput {
    private long written;

    @Override
    public boolean text() {
        return false;
    }

    @Override
    public void write(ByteBuf frame) {
        written++;
        frame.release();
    }

    @Override
    public void flush() {}

    /** Frames written since the last call, which starts the count again. */
    public long takeWritten() {
        long n = written;
        written = 0;
        return n;
    }
}
