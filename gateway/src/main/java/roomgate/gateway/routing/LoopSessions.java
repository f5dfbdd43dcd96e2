package roomgate.gateway.routing;

import roomgate.gateway.session.ClientSession;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ErrorCode;
import roomgate.wire.client.RoomRequests;

/**
 * The open sessions of one event loop, by id: what a node's answer, naming only a session id, is
 * delivered to. A session closed meanwhile is simply not found. Confined to the loop. By the
 * primitive id ({@link SessionIdMap}): a node's every answer is looked up here, and a
 * {@code Map<Long, ...>} would box the id each time.
 */
final class LoopSessions {
    private final SessionIdMap<ClientSession> sessions = new SessionIdMap<>();

    void add(ClientSession session) {
        sessions.put(session.id(), session);
    }

    void remove(ClientSession session) {
        sessions.remove(session.id());
    }

    /** The session, or null if it has closed. */
    ClientSession get(long sessionId) {
        return sessions.get(sessionId);
    }

    /** Tells the request's client that its room cannot be served now, if the client is still here. */
    void refuse(SessionRequest request, String message) {
        ClientSession session = sessions.get(request.getSessionId());
        if (session != null) {
            session.error(
                    request.getMessage().getRequestId(),
                    ErrorCode.ROOM_UNAVAILABLE,
                    RoomRequests.roomIdOf(request.getMessage()),
                    message);
        }
    }
}
