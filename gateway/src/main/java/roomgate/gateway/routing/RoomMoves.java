package roomgate.gateway.routing;

import io.netty.channel.EventLoop;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.metrics.GatewayMetrics.MoveCause;
import roomgate.gateway.session.ClientSession;
import roomgate.placement.NodeInfo;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.Rejoin;
import roomgate.protocol.link.v1.RejoinResult;
import roomgate.protocol.link.v1.RejoinSession;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.Resumed;
import roomgate.protocol.v1.RoomMoved;
import roomgate.protocol.v1.ServerMessage;
import roomgate.wire.client.Delivery;

/**
 * Moves this loop's rooms to a new node. While a room moves its requests are held; its sessions
 * are rejoined at the new owner, which sends each what it missed; then the held requests are sent
 * on in arrival order. A move the nodes refuse for now is asked again until a window after it
 * began, and then given up: the clients are told to join again. Runs on the router's loop only.
 */
final class RoomMoves {
    /**
     * A room that cannot be rejoined yet (its owner's death not yet seen everywhere, or its claim
     * refused for now) is retried this often, until REJOIN_GIVE_UP_NANOS after its move began. A
     * deadline rather than a number of tries: a try can take seconds (a claim waiting for a
     * partition's new owner), and the clients, their requests held, wait on the clock.
     */
    static final long REJOIN_RETRY_MILLIS = 200;

    static final long REJOIN_GIVE_UP_NANOS = 10_000_000_000L;

    private final EventLoop loop;
    private final LongSupplier nanoClock;
    private final GatewayMetrics metrics;
    private final LoopSessions sessions;
    private final LocalRooms rooms;
    private final NodeLinks links;
    private final Placement placement;
    private final UnreachableNodes unreachable;
    /** Routes a released request as if it had just arrived: the router's own routing. */
    private final BiConsumer<String, SessionRequest> route;

    RoomMoves(
            EventLoop loop,
            LongSupplier nanoClock,
            GatewayMetrics metrics,
            LoopSessions sessions,
            LocalRooms rooms,
            NodeLinks links,
            Placement placement,
            UnreachableNodes unreachable,
            BiConsumer<String, SessionRequest> route) {
        this.loop = loop;
        this.nanoClock = nanoClock;
        this.metrics = metrics;
        this.sessions = sessions;
        this.rooms = rooms;
        this.links = links;
        this.placement = placement;
        this.unreachable = unreachable;
        this.route = route;
    }

    /** Starts moving the room to {@code target} (or fails it at once if there is none), counted by cause. */
    void start(LocalRoom local, NodeInfo target, MoveCause cause) {
        metrics.roomMoved(cause);
        rejoin(local, target);
    }

    /** A node's answer to a rejoin: the room is there, or ask another node, or later, or give up. */
    void onRejoinResult(NodeLink link, RejoinResult result) {
        String roomId = result.getRoomId();
        Rejoin rejoin = result.getRejoin();
        if (!result.getOk()) {
            NodeInfo owner = result.getOwnerNodeId().isEmpty() ? null : placement.reachable(result.getOwnerNodeId());
            if (owner != null
                    && links.to(owner)
                            .send(LinkFrame.newBuilder().setRejoin(rejoin).build())) {
                LocalRoom local = rooms.get(roomId);
                if (local != null && local.isMoving()) {
                    local.node = owner;
                }
                return;
            }
            LocalRoom moving = rooms.get(roomId);
            // Either the owner it names is gone as far as we can tell, but the answering node has not
            // seen that yet; or the node could not load the room just now (its claim failed: no quorum,
            // a partition whose owner died and whose backup is not promoted yet). Both are temporary: the
            // clients stay seated, their requests held, and we ask again shortly.
            boolean ownerGone = !result.getOwnerNodeId().isEmpty();
            boolean notNow = !ownerGone && result.getCode() == ErrorCode.ROOM_UNAVAILABLE;
            boolean temporary = moving != null && moving.isMoving() && (ownerGone || notNow);
            if (temporary && nanoClock.getAsLong() - moving.giveUpNanos < 0) {
                loop.schedule(
                        () -> {
                            if (rooms.get(roomId) == moving && moving.isMoving()) {
                                rejoin(moving, placement.ownerOf(roomId));
                            }
                        },
                        REJOIN_RETRY_MILLIS,
                        TimeUnit.MILLISECONDS);
                return;
            }
            fail(
                    roomId,
                    rejoin,
                    temporary
                            ? "no game node could take room '" + roomId + "' over in time; join it again"
                            : result.getMessage().isEmpty()
                                    ? "room '" + roomId + "' cannot be served now; join it again"
                                    : result.getMessage());
            return;
        }
        arrived(link.node(), result);
    }

    /** The room is at {@code node} now: its sessions are seated there and its held requests go out. */
    private void arrived(NodeInfo node, RejoinResult result) {
        String roomId = result.getRoomId();
        Rejoin rejoin = result.getRejoin();
        LocalRoom local = rooms.getOrAdd(roomId, node);
        local.node = node;
        local.giveUpNanos = 0;
        Set<Long> unknown = new HashSet<>(result.getUnknownSessionIdsList());
        ServerMessage moved = ServerMessage.newBuilder()
                .setRoomMoved(RoomMoved.newBuilder().setRoomId(roomId).setOwnerNodeId(result.getOwnerNodeId()))
                .build();
        for (RejoinSession rejoined : rejoin.getSessionsList()) {
            ClientSession session = sessions.get(rejoined.getSessionId());
            if (session == null) {
                continue;
            }
            if (unknown.contains(session.id())) {
                rooms.unseat(session, roomId);
                session.rooms().remove(roomId);
                session.error(
                        rejoined.getRequestId(),
                        ErrorCode.RESUME_REJECTED,
                        roomId,
                        "your seat in room '" + roomId + "' is gone (the grace period passed); join again");
            } else if (!rejoined.getRequestId().isEmpty() || !local.sessions.contains(session)) {
                rooms.seat(session, roomId, node);
                session.deliver(Delivery.of(ServerMessage.newBuilder()
                        .setRequestId(rejoined.getRequestId())
                        .setResumed(Resumed.newBuilder().addRoomIds(roomId).setOwnerNodeId(result.getOwnerNodeId()))
                        .build()));
            } else {
                session.deliver(Delivery.of(moved));
            }
        }
        List<LinkFrame> held = local.held;
        local.held = null;
        if (held != null) {
            for (LinkFrame frame : held) {
                route.accept(roomId, frame.getRequest());
            }
        }
        if (local.sessions.isEmpty()) {
            rooms.remove(roomId);
        }
    }

    /** Asks {@code target} to take the room and seat its sessions here again; its requests wait meanwhile. */
    private void rejoin(LocalRoom local, NodeInfo target) {
        String roomId = local.roomId;
        local.hold();
        if (local.giveUpNanos == 0) {
            local.giveUpNanos = nanoClock.getAsLong() + REJOIN_GIVE_UP_NANOS;
        }
        if (target == null) {
            fail(roomId, null, "no game node can take room '" + roomId + "' now; join it again");
            return;
        }
        local.node = target;
        Rejoin.Builder rejoin =
                Rejoin.newBuilder().setRoomId(roomId).setHops(0).addAllUnreachableNodeIds(unreachable.ids());
        for (ClientSession session : local.sessions) {
            rejoin.addSessions(RejoinSession.newBuilder()
                    .setSessionId(session.id())
                    .setParticipantId(session.participantId())
                    .setLastSequence(local.lastSequence));
        }
        if (!links.to(target).send(LinkFrame.newBuilder().setRejoin(rejoin).build())) {
            fail(roomId, rejoin.build(), "node " + target.nodeId() + " cannot be reached");
        }
    }

    /**
     * The room could not be moved: its sessions here are unseated, its held requests refused, and
     * all are told to join again; a client resuming into it ({@code rejoin} with a request_id) is
     * answered on that request.
     */
    void fail(String roomId, Rejoin rejoin, String message) {
        LocalRoom local = rooms.get(roomId);
        Set<ClientSession> affected = new LinkedHashSet<>();
        if (local != null
                && (rejoin == null
                        || rejoin.getSessionsList().stream()
                                .anyMatch(s -> s.getRequestId().isEmpty()))) {
            affected.addAll(local.sessions);
            rooms.remove(roomId);
            if (local.held != null) {
                local.held.forEach(f -> sessions.refuse(f.getRequest(), message));
            }
        }
        if (rejoin != null) {
            for (RejoinSession s : rejoin.getSessionsList()) {
                ClientSession session = sessions.get(s.getSessionId());
                if (session != null && !s.getRequestId().isEmpty()) {
                    session.error(s.getRequestId(), ErrorCode.ROOM_UNAVAILABLE, roomId, message);
                }
            }
        }
        for (ClientSession session : affected) {
            session.rooms().remove(roomId);
            session.error("", ErrorCode.ROOM_UNAVAILABLE, roomId, message);
        }
    }
}
