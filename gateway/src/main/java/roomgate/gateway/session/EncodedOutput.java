package roomgate.gateway.session;

import io.netty.buffer.ByteBuf;

/**
 * The short way to a client's socket for frames already encoded (see {@code Delivery.frame}): it
 * enters the pipeline below the WebSocket frame encoder, so no handler above it runs per client,
 * and still passes the connection's output budget. Confined to the connection's event loop.
 */
public interface EncodedOutput {
    /** Whether this client is answered in text frames (JSON) rather than binary ones (protobuf). */
    boolean text();

    /** Writes one whole frame, a reference this call takes over; flushed by {@link #flush}. */
    void write(ByteBuf frame);

    void flush();
}
