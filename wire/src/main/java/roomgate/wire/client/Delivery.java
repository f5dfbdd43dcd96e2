package roomgate.wire.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import com.google.protobuf.util.JsonFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import roomgate.protocol.v1.ServerMessage;

/**
 * One server message on its way to one or more clients, as protobuf bytes. A room event arrives
 * from a node already serialized and goes to binary clients untouched; the JSON text for text-frame
 * clients is made at most once per delivery, however many of them there are. Confined to one event
 * loop, like the sessions it is written to.
 *
 * <p>A delivery never owns a buffer reference that someone must release: the frame codec takes its
 * own reference for each client frame. One made with {@link #borrowing} is valid only while its
 * caller holds the buffer, so it is written to sessions at once, on the loop, and never kept.
 *
 * <p>A message that goes to many clients is also encoded once as whole WebSocket frames
 * ({@link #frame}): header and payload in one pooled direct buffer per encoding, made when the first
 * client of that encoding gets it, and shared read-only by every client's write. Those frames are
 * the delivery's own: whoever made it calls {@link #releaseFrames} when done, and whoever keeps it
 * longer (a feed update waiting for its send) holds it with {@link #retainFrames} first.
 */
public final class Delivery {
    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final int REQUEST_ID_TAG =
            ServerMessage.REQUEST_ID_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private final ByteBuf bytes;
    private String json;
    private ByteBuf binaryFrame;
    private ByteBuf textFrame;
    /** Holders of the frames: the maker, and whoever retained them since. */
    private int holders = 1;

    private Delivery(ByteBuf bytes) {
        this.bytes = bytes;
    }

    public static Delivery of(ServerMessage message) {
        return new Delivery(Unpooled.wrappedBuffer(message.toByteArray()));
    }

    /** Bytes of a serialized {@link ServerMessage}, as a node sent them. */
    public static Delivery ofBytes(ByteString serverMessage) {
        return new Delivery(Unpooled.wrappedBuffer(serverMessage.asReadOnlyByteBuffer()));
    }

    /**
     * A message whose frames were made once for many event loops ({@link SharedFrames}): this
     * delivery takes over one reference to each frame given ({@code textFrame} may be null; it is
     * then made here if a client wants it) and releases them with its last holder, as its own.
     */
    static Delivery sharing(ByteBuf serverMessage, ByteBuf binaryFrame, ByteBuf textFrame) {
        Delivery delivery = new Delivery(serverMessage);
        delivery.binaryFrame = binaryFrame;
        delivery.textFrame = textFrame;
        return delivery;
    }

    /** A serialized {@link ServerMessage} in a buffer the caller keeps and releases after writing the delivery. */
    public static Delivery borrowing(ByteBuf serverMessage) {
        return new Delivery(serverMessage);
    }

    /** The same message with {@code request_id} set; see {@link #withRequestId(ByteBuf)}. */
    public Delivery withRequestId(String requestId) {
        if (requestId.isEmpty()) {
            return this;
        }
        return withRequestId(Unpooled.wrappedBuffer(requestId.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The same message with {@code request_id} (given as UTF-8) set. Protobuf merges concatenated
     * messages field by field, so appending the encoded field sets it without parsing the event:
     * one small copy, no builder.
     */
    public Delivery withRequestId(ByteBuf requestIdUtf8) {
        int idLength = requestIdUtf8.readableBytes();
        if (idLength == 0) {
            return this;
        }
        ByteBuf spliced = Unpooled.buffer(bytes.readableBytes() + 1 + 5 + idLength);
        spliced.writeBytes(bytes, bytes.readerIndex(), bytes.readableBytes());
        spliced.writeByte(REQUEST_ID_TAG);
        for (int v = idLength; ; v >>>= 7) {
            if ((v & ~0x7f) == 0) {
                spliced.writeByte(v);
                break;
            }
            spliced.writeByte((v & 0x7f) | 0x80);
        }
        spliced.writeBytes(requestIdUtf8, requestIdUtf8.readerIndex(), idLength);
        return new Delivery(spliced);
    }

    /** The serialized {@link ServerMessage}; a view for reading, not to be released or kept. */
    public ByteBuf bytes() {
        return bytes;
    }

    /**
     * This message as one whole WebSocket frame (binary: the protobuf bytes; text: the JSON), made
     * once per encoding. A view owned by this delivery: a client write takes its own
     * {@code retainedDuplicate()}.
     */
    public ByteBuf frame(boolean text) {
        if (holders <= 0) {
            throw new IllegalStateException("the frames of this delivery were released");
        }
        if (text) {
            if (textFrame == null) {
                textFrame = ServerFrames.encode(
                        PooledByteBufAllocator.DEFAULT,
                        true,
                        Unpooled.wrappedBuffer(json().getBytes(StandardCharsets.UTF_8)));
            }
            return textFrame;
        }
        if (binaryFrame == null) {
            binaryFrame = ServerFrames.encode(PooledByteBufAllocator.DEFAULT, false, bytes);
        }
        return binaryFrame;
    }

    /** Whether this delivery holds its frame of that encoding (made, or given by {@link SharedFrames}). */
    public boolean hasFrame(boolean text) {
        return (text ? textFrame : binaryFrame) != null;
    }

    /** One more holder of the frames (see {@link #releaseFrames}). Same thread as the maker. */
    public Delivery retainFrames() {
        holders++;
        return this;
    }

    /** One holder fewer; the last frees the frames (client writes in flight keep their own references). */
    public void releaseFrames() {
        if (--holders == 0) {
            if (binaryFrame != null) {
                binaryFrame.release();
                binaryFrame = null;
            }
            if (textFrame != null) {
                textFrame.release();
                textFrame = null;
            }
        }
    }

    public String json() {
        if (json == null) {
            try {
                json = JSON.print(ServerMessage.parseFrom(CodedInputStream.newInstance(bytes.nioBuffer())));
            } catch (IOException e) {
                throw new IllegalStateException(
                        "a node sent a ServerMessage that does not parse: " + ByteBufUtil.hexDump(bytes), e);
            }
        }
        return json;
    }
}
