package roomgate.wire.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import java.nio.charset.StandardCharsets;

/**
 * A {@code RoomBroadcast} link frame as the gateway receives it, not copied: the room event and the
 * origin's request_id are views of the frame's bytes. The gateway fans the event out to its
 * sessions straight from these bytes. It holds a reference to the frame's buffer: whoever reads it
 * from the pipeline releases it, and the views are valid only until then.
 */
public final class RoomEventFrame extends DefaultByteBufHolder {
    private final ByteBuf roomId;
    // Views made once: content() checks the reference count on every call, and the fan-out loop
    // asks for them per session.
    private final ByteBuf event;
    private final long originSessionId;
    private final ByteBuf originRequestId;
    private final long sequence;

    /** {@code frame} is a reference this holder takes over; the offsets are from its reader index. */
    RoomEventFrame(
            ByteBuf frame,
            int roomIdOffset,
            int roomIdLength,
            int eventOffset,
            int eventLength,
            long originSessionId,
            int requestIdOffset,
            int requestIdLength,
            long sequence) {
        super(frame);
        this.roomId = frame.slice(frame.readerIndex() + roomIdOffset, roomIdLength);
        this.event = frame.slice(frame.readerIndex() + eventOffset, eventLength);
        this.originSessionId = originSessionId;
        this.originRequestId = frame.slice(frame.readerIndex() + requestIdOffset, requestIdLength);
        this.sequence = sequence;
    }

    /** The room's id, decoded (a new String each call: the fan-out looks rooms up by {@link #roomIdUtf8}). */
    public String roomId() {
        return roomId.toString(StandardCharsets.UTF_8);
    }

    /** The room's id as UTF-8 bytes; a view, not to be released. */
    public ByteBuf roomIdUtf8() {
        return roomId;
    }

    /** The serialized {@code roomgate.v1.ServerMessage}, without request_id; a view, not to be released. */
    public ByteBuf event() {
        return event;
    }

    /** The session whose request caused the event, or 0. */
    public long originSessionId() {
        return originSessionId;
    }

    /** The origin request's id as UTF-8 bytes (empty if none); a view, not to be released. */
    public ByteBuf originRequestId() {
        return originRequestId;
    }

    public long sequence() {
        return sequence;
    }

    @Override
    public String toString() {
        return "RoomEventFrame(" + roomId() + " #" + sequence + ", " + event.readableBytes() + " bytes)";
    }
}
