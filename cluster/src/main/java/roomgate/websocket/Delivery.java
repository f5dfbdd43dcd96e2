package roomgate.websocket;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import roomgate.protocol.v1.ServerMessage;

/**
 * One server message on its way to one or more clients, as protobuf bytes. A room event arrives
 * from a node already serialized and goes to binary clients untouched; the JSON text for text-frame
 * clients is made at most once per delivery, however many of them there are. Confined to one event
 * loop, like the sessions it is written to.
 */
public final class Delivery {
    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

    private final ByteString bytes;
    private String json;

    private Delivery(ByteString bytes) {
        this.bytes = bytes;
    }

    public static Delivery of(ServerMessage message) {
        return new Delivery(message.toByteString());
    }

    /** Bytes of a serialized {@link ServerMessage}, as a node sent them. */
    public static Delivery ofBytes(ByteString serverMessage) {
        return new Delivery(serverMessage);
    }

    /**
     * The same message with {@code request_id} set. Protobuf merges concatenated messages field by
     * field, so appending an encoded request_id sets it without parsing the event.
     */
    public Delivery withRequestId(String requestId) {
        if (requestId.isEmpty()) {
            return this;
        }
        return new Delivery(bytes.concat(ServerMessage.newBuilder().setRequestId(requestId).build().toByteString()));
    }

    public ByteString bytes() {
        return bytes;
    }

    public String json() {
        if (json == null) {
            try {
                json = JSON.print(ServerMessage.parseFrom(bytes));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("a node sent a ServerMessage that does not parse", e);
            }
        }
        return json;
    }
}
