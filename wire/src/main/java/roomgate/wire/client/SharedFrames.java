package roomgate.wire.client;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import roomgate.protocol.v1.ServerMessage;

/**
 * A server message's whole WebSocket frames made once for a whole process and shared read-only by
 * every event loop that writes it: binary (the protobuf bytes) always, JSON text when asked for.
 * Made on any thread; reference counted across threads, one reference per holder. Each loop takes
 * its own {@link Delivery} of it ({@link #delivery}), which its clients' writes duplicate as usual.
 *
 * <p>Nobody writes into the frames after {@link #of} returns and every write takes its own
 * duplicate (with its own indices), so loops may read them at the same time; handing a reference
 * to a loop through its task queue publishes the frames' contents to it.
 */
public final class SharedFrames {
    private final ByteBuf serverMessage;
    private final ByteBuf binary;
    private final ByteBuf text;

    private SharedFrames(ByteBuf serverMessage, ByteBuf binary, ByteBuf text) {
        this.serverMessage = serverMessage;
        this.binary = binary;
        this.text = text;
    }

    /**
     * The frames of the serialized {@link ServerMessage} {@code serverMessage}, the JSON text one
     * too if {@code withText}; one reference, the caller's.
     */
    public static SharedFrames of(ByteString serverMessage, boolean withText) {
        ByteBuf bytes = Unpooled.wrappedBuffer(serverMessage.asReadOnlyByteBuffer());
        ByteBuf binary = ServerFrames.encode(PooledByteBufAllocator.DEFAULT, false, bytes);
        ByteBuf text = null;
        if (withText) {
            try {
                // The JSON exactly as a delivery of its own would print it.
                byte[] json = Delivery.borrowing(bytes).json().getBytes(StandardCharsets.UTF_8);
                text = ServerFrames.encode(PooledByteBufAllocator.DEFAULT, true, Unpooled.wrappedBuffer(json));
            } catch (RuntimeException e) {
                binary.release();
                throw e;
            }
        }
        return new SharedFrames(bytes, binary, text);
    }

    /** Whether the JSON text frame was made too. */
    public boolean hasText() {
        return text != null;
    }

    /** One more holder, on any thread. */
    public SharedFrames retain() {
        binary.retain();
        if (text != null) {
            text.retain();
        }
        return this;
    }

    /** One holder fewer, on any thread; the last frees the frames (writes in flight hold their own). */
    public void release() {
        binary.release();
        if (text != null) {
            text.release();
        }
    }

    /**
     * A delivery of this message for the calling event loop, which takes over the caller's reference:
     * {@link Delivery#releaseFrames} by its last holder gives it back. Its binary frame, and text
     * frame if made, are these shared ones; a text frame not made here is made by the delivery
     * for its own loop, as for any delivery.
     */
    public Delivery delivery() {
        return Delivery.sharing(serverMessage, binary, text);
    }

    /** References held on the binary frame (tests). */
    public int refCnt() {
        return binary.refCnt();
    }
}
