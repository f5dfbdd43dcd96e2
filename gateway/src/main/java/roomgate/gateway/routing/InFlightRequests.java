package roomgate.gateway.routing;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ClientMessage;

/**
 * The requests one event loop has sent to game nodes and not yet seen answered. When a node is
 * lost (its link closes: killed, or dropped from the view after hanging) the clients of the
 * requests it still had are told at once that the outcome is unknown, instead of each waiting on
 * its own timeout. Only requests with a request_id are tracked (without one a client cannot match
 * an answer anyway), and only those a node answers. Confined to the loop's thread, like the {@link Router} that owns it.
 */
final class InFlightRequests {
    /** A request that was with a node when the node was lost. */
    record Lost(long sessionId, String requestId, String roomId) {}

    private record Key(long sessionId, String requestId) {}

    private record Target(String nodeId, String roomId) {}

    private final Map<Key, Target> pending = new HashMap<>();
    /** Completed, and replaced by null, once nothing is pending: what a stopping gateway waits for. */
    private CompletableFuture<Void> emptied;

    void sent(SessionRequest request, String nodeId, String roomId) {
        String requestId = request.getMessage().getRequestId();
        // An arena input is never answered: the next tick shows it.
        if (!requestId.isEmpty() && request.getMessage().getBodyCase() != ClientMessage.BodyCase.ARENA_INPUT) {
            pending.put(new Key(request.getSessionId(), requestId), new Target(nodeId, roomId));
        }
    }

    void answered(long sessionId, String requestId) {
        if (!requestId.isEmpty() && !pending.isEmpty()) {
            pending.remove(new Key(sessionId, requestId));
            completeIfEmpty();
        }
    }

    /** The same, with the request_id as the UTF-8 bytes of a link frame (a room event's origin). */
    void answered(long sessionId, ByteBuf requestIdUtf8) {
        if (requestIdUtf8.isReadable() && !pending.isEmpty()) {
            pending.remove(new Key(sessionId, requestIdUtf8.toString(StandardCharsets.UTF_8)));
            completeIfEmpty();
        }
    }

    void sessionClosed(long sessionId) {
        if (!pending.isEmpty()) {
            pending.keySet().removeIf(k -> k.sessionId() == sessionId);
            completeIfEmpty();
        }
    }

    /** Forgets and returns the requests that were with {@code nodeId}. */
    List<Lost> lostWith(String nodeId) {
        List<Lost> lost = new ArrayList<>();
        for (Iterator<Map.Entry<Key, Target>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Target> e = it.next();
            if (e.getValue().nodeId().equals(nodeId)) {
                lost.add(new Lost(
                        e.getKey().sessionId(),
                        e.getKey().requestId(),
                        e.getValue().roomId()));
                it.remove();
            }
        }
        completeIfEmpty();
        return lost;
    }

    /** Completes once no request is pending (at once if none is). */
    CompletableFuture<Void> emptied() {
        if (pending.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (emptied == null) {
            emptied = new CompletableFuture<>();
        }
        return emptied;
    }

    private void completeIfEmpty() {
        if (emptied != null && pending.isEmpty()) {
            CompletableFuture<Void> done = emptied;
            emptied = null;
            done.complete(null);
        }
    }

    int size() {
        return pending.size();
    }
}
