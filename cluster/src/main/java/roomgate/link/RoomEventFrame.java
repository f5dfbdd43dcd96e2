package roomgate.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A {@code RoomBroadcast} link frame as the gateway receives it, not copied: the room event and the
 * origin's request_id are views of the frame's bytes. The gateway fans the event out to its
 * sessions straight from these bytes. It holds a reference to the frame's buffer: whoever reads it
 * from the pipeline releases it, and the views are valid only until then.
 */
public final class RoomEventFrame extends DefaultByteBufHolder {
    private final String roomId;
    private final int eventOffset;
    private final int eventLength;
    private final long originSessionId;
    private final int requestIdOffset;
    private final int requestIdLength;
    private final long sequence;

    RoomEventFrame(ByteBuf frame, String roomId, int eventOffset, int eventLength, long originSessionId,
            int requestIdOffset, int requestIdLength, long sequence) {
        super(frame);
        this.roomId = roomId;
        this.eventOffset = eventOffset;
        this.eventLength = eventLength;
        this.originSessionId = originSessionId;
        this.requestIdOffset = requestIdOffset;
        this.requestIdLength = requestIdLength;
        this.sequence = sequence;
    }

    public String roomId() {
        return roomId;
    }

    /** The serialized {@code roomgate.v1.ServerMessage}, without request_id; a view, not to be released. */
    public ByteBuf event() {
        return content().slice(content().readerIndex() + eventOffset, eventLength);
    }

    /** The session whose request caused the event, or 0. */
    public long originSessionId() {
        return originSessionId;
    }

    /** The origin request's id as UTF-8 bytes (empty if none); a view, not to be released. */
    public ByteBuf originRequestId() {
        return content().slice(content().readerIndex() + requestIdOffset, requestIdLength);
    }

    public long sequence() {
        return sequence;
    }

    @Override
    public String toString() {
        return "RoomEventFrame(" + roomId + " #" + sequence + ", " + eventLength + " bytes)";
    }
}
