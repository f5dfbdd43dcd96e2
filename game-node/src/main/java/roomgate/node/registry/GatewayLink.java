package roomgate.node.registry;

import com.google.protobuf.ByteString;
import roomgate.protocol.link.v1.RejoinResult;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ServerMessage;

/**
 * The way back to the clients of one gateway link. The registry calls it from room threads; an
 * implementation must be thread-safe and must not block (it queues writes on its channel).
 */
public interface GatewayLink {

    /**
     * A message for one session. {@code joinedRoomId} / {@code leftRoomId} (or empty) tell the
     * gateway that the session now is, or no longer is, in that room; {@code sequence} is the room
     * sequence the message brings the session to (0 if none).
     */
    void reply(long sessionId, ServerMessage message, String joinedRoomId, String leftRoomId, long sequence);

    /** A room event for every session of this link in the room, with the request id for its origin. */
    void broadcast(
            String roomId, ByteString serverMessage, long sequence, long originSessionId, String originRequestId);

    /** This node does not own the room: the gateway should send {@code request} to {@code ownerNodeId}. */
    void redirect(String roomId, String ownerNodeId, SessionRequest request);

    void rejoinResult(RejoinResult result);

    /** The room is about to move: hold its requests and answer HandoffReady. */
    void handoffStart(String roomId);

    /** The room moved to {@code newOwnerNodeId}: rejoin there. */
    void handoffDone(String roomId, String newOwnerNodeId);

    /** This node lost the room to a newer owner: find it again. */
    void roomLost(String roomId);

    /** Whether the link is still connected; events for a closed link are dropped. */
    boolean isOpen();
}
