package roomgate.gateway.routing;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ClientMessage;

/**
 * The requests one event loop has sent to game nodes and not yet seen answered. When a node is
 * lost (its link closes: killed, or dropped from the view after hanging) the clients of the
 * requests it still had are told at once that the outcome is unknown, instead of each waiting on
 * its own timeout. Only requests with a request_id are tracked (without one a client cannot match
 * an answer anyway), and only those a node answers. Confined to the loop's thread, like the {@link Router} that owns it.
 *
 * <p>Kept per session ({@link SessionIdMap}), each session's requests in the order sent: a client
 * has few requests out at a time and its answers come mostly in order, so the one looked for is
 * nearly always the first. Keyed by the session id alone, a request's id is never hashed: one map
 * keyed by (session id, request id) hashed them to 31 x session id + the id's String hash, the same
 * for (s, "25") and (s + 1, "15") when clients count their requests, on keys that are not
 * Comparable (a bucket that fills becomes a tree searched in full); and a room event's answer
 * looked its origin's request id up as a new String each time.
 */
final class InFlightRequests {
    /** A request that was with a node when the node was lost. */
    record Lost(long sessionId, String requestId, String roomId) {}

    /** One request with a node; the next request of the same session, or null. */
    private static final class Pending {
        final String requestId;
        String nodeId;
        String roomId;
        Pending next;

        Pending(String requestId, String nodeId, String roomId) {
            this.requestId = requestId;
            this.nodeId = nodeId;
            this.roomId = roomId;
        }
    }

    /** Each session's first pending request, the rest linked from it in the order sent. */
    private final SessionIdMap<Pending> bySession = new SessionIdMap<>();

    private int size;
    /** Completed, and replaced by null, once nothing is pending: what a stopping gateway waits for. */
    private CompletableFuture<Void> emptied;

    void sent(SessionRequest request, String nodeId, String roomId) {
        String requestId = request.getMessage().getRequestId();
        // An arena input is never answered: the next tick shows it.
        if (requestId.isEmpty() || request.getMessage().getBodyCase() == ClientMessage.BodyCase.ARENA_INPUT) {
            return;
        }
        long sessionId = request.getSessionId();
        Pending first = bySession.get(sessionId);
        if (first == null) {
            bySession.put(sessionId, new Pending(requestId, nodeId, roomId));
            size++;
            return;
        }
        for (Pending p = first; ; p = p.next) {
            if (p.requestId.equals(requestId)) {
                // Sent again (after a redirect or a move): it is with the node it went to last.
                p.nodeId = nodeId;
                p.roomId = roomId;
                return;
            }
            if (p.next == null) {
                p.next = new Pending(requestId, nodeId, roomId);
                size++;
                return;
            }
        }
    }

    void answered(long sessionId, String requestId) {
        if (requestId.isEmpty() || size == 0) {
            return;
        }
        Pending first = bySession.get(sessionId);
        for (Pending p = first, before = null; p != null; before = p, p = p.next) {
            if (p.requestId.equals(requestId)) {
                unlink(sessionId, before, p);
                return;
            }
        }
    }

    /** The same, with the request_id as the UTF-8 bytes of a link frame (a room event's origin); decodes nothing. */
    void answered(long sessionId, ByteBuf requestIdUtf8) {
        if (!requestIdUtf8.isReadable() || size == 0) {
            return;
        }
        Pending first = bySession.get(sessionId);
        for (Pending p = first, before = null; p != null; before = p, p = p.next) {
            if (sameId(p.requestId, requestIdUtf8)) {
                unlink(sessionId, before, p);
                return;
            }
        }
    }

    void sessionClosed(long sessionId) {
        for (Pending p = bySession.remove(sessionId); p != null; p = p.next) {
            size--;
        }
        completeIfEmpty();
    }

    /** Forgets and returns the requests that were with {@code nodeId}. */
    List<Lost> lostWith(String nodeId) {
        List<Lost> lost = new ArrayList<>();
        if (size == 0) {
            completeIfEmpty();
            return lost;
        }
        List<Long> emptiedSessions = new ArrayList<>();
        bySession.forEachKey(sessionId -> {
            Pending kept = null;
            Pending keptLast = null;
            for (Pending p = bySession.get(sessionId); p != null; p = p.next) {
                if (p.nodeId.equals(nodeId)) {
                    lost.add(new Lost(sessionId, p.requestId, p.roomId));
                } else if (kept == null) {
                    kept = keptLast = p;
                } else {
                    keptLast.next = p;
                    keptLast = p;
                }
            }
            if (kept == null) {
                emptiedSessions.add(sessionId);
            } else {
                keptLast.next = null;
                bySession.put(sessionId, kept); // replaces a value: the walk may go on
            }
        });
        // Removals after the walk: they move entries the walk may not have reached yet.
        for (long sessionId : emptiedSessions) {
            bySession.remove(sessionId);
        }
        size -= lost.size();
        completeIfEmpty();
        return lost;
    }

    /** Completes once no request is pending (at once if none is). */
    CompletableFuture<Void> emptied() {
        if (size == 0) {
            return CompletableFuture.completedFuture(null);
        }
        if (emptied == null) {
            emptied = new CompletableFuture<>();
        }
        return emptied;
    }

    int size() {
        return size;
    }

    private void unlink(long sessionId, Pending before, Pending p) {
        if (before != null) {
            before.next = p.next;
        } else if (p.next != null) {
            bySession.put(sessionId, p.next);
        } else {
            bySession.remove(sessionId);
        }
        size--;
        completeIfEmpty();
    }

    private void completeIfEmpty() {
        if (emptied != null && size == 0) {
            CompletableFuture<Void> done = emptied;
            emptied = null;
            done.complete(null);
        }
    }

    /**
     * Whether {@code utf8} is {@code id}'s UTF-8 encoding. Client request ids are ASCII in practice
     * ("42", "rq-17"): compared byte for char, allocating nothing; one with another character is
     * decoded to compare.
     */
    static boolean sameId(String id, ByteBuf utf8) {
        int length = utf8.readableBytes();
        int start = utf8.readerIndex();
        if (id.length() > length) {
            return false; // UTF-8 takes at least one byte per UTF-16 unit
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c >= 0x80) {
                return id.equals(utf8.toString(start, length, StandardCharsets.UTF_8));
            }
            if (utf8.getByte(start + i) != (byte) c) {
                return false;
            }
        }
        return id.length() == length;
    }
}
