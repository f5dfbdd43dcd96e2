package roomgate.node.registry;

import com.google.protobuf.ByteString;
import roomgate.protocol.v1.ServerMessage;

/**
 * The way back to the clients of one gateway link. The registry calls it from room threads; an
 * implementation must be thread-safe and must not block (it queues writes on its channel).
 */
public interface GatewayLink {

    /** The gateway's id, used to make participant ids unique across gateways. */
    String gatewayId();

    /**
     * A message for one session. {@code joinedRoomId} / {@code leftRoomId} (or empty) tell the
     * gateway that the session now is, or no longer is, in that room.
     */
    void reply(long sessionId, ServerMessage message, String joinedRoomId, String leftRoomId);

    /** A room event for every session of this link in the room, with the request id for its origin. */
    void broadcast(String roomId, ByteString serverMessage, long originSessionId, String originRequestId);
}
