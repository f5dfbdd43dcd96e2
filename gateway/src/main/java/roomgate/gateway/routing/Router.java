package roomgate.gateway.routing;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.metrics.GatewayMetrics.MoveCause;
import roomgate.gateway.metrics.GatewayMetrics.Route;
import roomgate.gateway.session.ClientSession;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;
import roomgate.protocol.link.v1.HandoffDone;
import roomgate.protocol.link.v1.HandoffReady;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.Redirect;
import roomgate.protocol.link.v1.Rejoin;
import roomgate.protocol.link.v1.RejoinResult;
import roomgate.protocol.link.v1.RejoinSession;
import roomgate.protocol.link.v1.SessionClosed;
import roomgate.protocol.link.v1.SessionReply;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.ServerMessage;
import roomgate.wire.client.Delivery;
import roomgate.wire.client.RoomRequests;
import roomgate.wire.link.RoomEventFrame;

/**
 * Routing and fan-out for the sessions of one event loop. A room request goes to the node serving
 * the room — the one that seated this loop's sessions in it, or else the node rendezvous hashing
 * picks ({@link Placement}), which redirects if the ownership directory says otherwise — over this
 * loop's link to that node ({@link NodeLinks}). Room events arriving on a link are fanned out to the
 * loop's sessions in the room ({@link LocalRooms}).
 *
 * <p>When a room moves — a drain hands it over, or its node dies (link closed, or gone from the
 * view) — {@link RoomMoves} holds the room's requests, rejoins its sessions at the new owner, which
 * sends each what it missed, and then sends the held requests on in order: the clients stay
 * connected and only see a pause and a {@code RoomMoved} notice. This class decides when a room
 * moves and where requests go. Everything here runs on the one event loop.
 */
public final class Router {
    private final EventLoop loop;
    private final GatewayMetrics metrics;
    private final Supplier<NodeView> view;
    private final LongSupplier nanoClock;
    private final LoopSessions sessions = new LoopSessions();
    private final LocalRooms rooms = new LocalRooms();
    private final InFlightRequests inFlight = new InFlightRequests();
    private final UnreachableNodes unreachable;
    private final Placement placement;
    private final NodeLinks links;
    private final RoomMoves moves;

    /**
     * {@code connector} opens this loop's links; {@code nanoClock} (nanoseconds, as System.nanoTime)
     * times the retry and give-up windows, so tests need not sleep. {@code unreachable} is the
     * gateway's, shared with the other loops' routers.
     */
    Router(
            EventLoop loop,
            LinkOptions options,
            Supplier<NodeView> view,
            LinkConnector connector,
            GatewayMetrics metrics,
            LongSupplier nanoClock,
            UnreachableNodes unreachable) {
        this.loop = loop;
        this.metrics = metrics;
        this.view = view;
        this.nanoClock = nanoClock;
        this.unreachable = unreachable;
        this.placement = new Placement(view, unreachable);
        this.links = new NodeLinks(this, loop, connector, options);
        this.moves =
                new RoomMoves(loop, nanoClock, metrics, sessions, rooms, links, placement, unreachable, this::send);
    }

    GatewayMetrics metrics() {
        return metrics;
    }

    /** Now on the router's clock: when a link opened, to tell it from a later failure. */
    long nanoTime() {
        return nanoClock.getAsLong();
    }

    public void register(ClientSession session) {
        assert loop.inEventLoop();
        sessions.add(session);
    }

    /** Sends a join, leave, move or chat to the node of its room. */
    public void forward(ClientSession session, ClientMessage message, String roomId) {
        assert loop.inEventLoop();
        send(
                roomId,
                SessionRequest.newBuilder()
                        .setSessionId(session.id())
                        .setParticipantId(session.participantId())
                        .setMessage(message)
                        .addAllUnreachableNodeIds(unreachable.ids())
                        .build());
    }

    /** Takes a resuming client's seat back in a room: the owner sends what it missed after {@code lastSequence}. */
    public void resume(ClientSession session, String roomId, long lastSequence, String requestId) {
        assert loop.inEventLoop();
        LocalRoom local = rooms.get(roomId);
        NodeInfo node = local != null ? local.node : placement.ownerOf(roomId);
        RejoinSession rejoining = RejoinSession.newBuilder()
                .setSessionId(session.id())
                .setParticipantId(session.participantId())
                .setLastSequence(lastSequence)
                .setRequestId(requestId)
                .build();
        Rejoin rejoin = Rejoin.newBuilder()
                .setRoomId(roomId)
                .addSessions(rejoining)
                .addAllUnreachableNodeIds(unreachable.ids())
                .build();
        if (node == null
                || !links.to(node).send(LinkFrame.newBuilder().setRejoin(rejoin).build())) {
            session.error(requestId, ErrorCode.ROOM_UNAVAILABLE, roomId, "no game node can serve the room now; retry");
        }
    }

    public void sessionClosed(ClientSession session) {
        assert loop.inEventLoop();
        sessions.remove(session);
        inFlight.sessionClosed(session.id());
        Map<NodeInfo, List<String>> byNode = new HashMap<>();
        for (String roomId : session.rooms()) {
            LocalRoom local = rooms.get(roomId);
            if (local != null) {
                byNode.computeIfAbsent(local.node, n -> new ArrayList<>()).add(roomId);
                rooms.unseat(session, roomId);
            }
        }
        byNode.forEach((node, roomIds) -> links.to(node)
                .send(LinkFrame.newBuilder()
                        .setSessionClosed(SessionClosed.newBuilder()
                                .setSessionId(session.id())
                                .addAllRoomIds(roomIds))
                        .build()));
        session.rooms().clear();
    }

    // ------------------------------------------------------------------ from nodes

    /** Completes once every request this loop sent to a node is answered, or its node lost. On the loop. */
    CompletableFuture<Void> requestsAnswered() {
        return inFlight.emptied();
    }

    void onReply(NodeLink link, SessionReply reply) {
        inFlight.answered(reply.getSessionId(), reply.getRequestId());
        ClientSession session = sessions.get(reply.getSessionId());
        if (session == null) {
            if (!reply.getJoinedRoomId().isEmpty()) {
                // Seated after it hung up: tell the node it is gone, or the seat stays taken.
                link.send(LinkFrame.newBuilder()
                        .setSessionClosed(SessionClosed.newBuilder()
                                .setSessionId(reply.getSessionId())
                                .addRoomIds(reply.getJoinedRoomId()))
                        .build());
            }
            return;
        }
        if (!reply.getJoinedRoomId().isEmpty()) {
            LocalRoom local = rooms.seat(session, reply.getJoinedRoomId(), link.node());
            local.lastSequence = Math.max(local.lastSequence, reply.getSequence());
        }
        if (!reply.getLeftRoomId().isEmpty()) {
            rooms.unseat(session, reply.getLeftRoomId());
            session.rooms().remove(reply.getLeftRoomId());
        }
        session.deliver(Delivery.ofBytes(reply.getServerMessage()));
        if (reply.getJoinedRoomId().isEmpty() && reply.getLeftRoomId().isEmpty()) {
            rejoinIfSeatUnknown(link, session, reply);
        }
    }

    /**
     * A node that answers NOT_IN_ROOM to a session seated on it here has lost the room and loaded it
     * again without this session (dropped at a merge, say, with the RoomLost notice gone with the old
     * link): left alone, the client's every move would be refused NOT_IN_ROOM and its join
     * ALREADY_IN_ROOM. The room's sessions are rejoined there instead, as after a RoomLost: each is
     * seated again (Resumed) or told its seat is gone. Only replies are parsed, never broadcasts: a
     * move is answered by its broadcast, so this is off the moves' path.
     */
    private void rejoinIfSeatUnknown(NodeLink link, ClientSession session, SessionReply reply) {
        ServerMessage message;
        try {
            message = ServerMessage.parseFrom(reply.getServerMessage());
        } catch (InvalidProtocolBufferException e) {
            return; // delivered as it came; the client sees what the node sent
        }
        if (!message.hasError() || message.getError().getCode() != ErrorCode.NOT_IN_ROOM) {
            return;
        }
        String roomId = message.getError().getRoomId();
        LocalRoom local = rooms.get(roomId);
        if (local != null && !local.isMoving() && local.node.equals(link.node()) && local.sessions.contains(session)) {
            moves.start(local, link.node(), MoveCause.ROOM_LOST);
        }
    }

    /** A room event: written to each of this loop's sessions in the room from the link's own bytes. */
    void onRoomEvent(RoomEventFrame event) {
        LocalRoom local = rooms.get(event.roomIdUtf8());
        if (local == null) {
            return;
        }
        local.lastSequence = event.sequence();
        inFlight.answered(event.originSessionId(), event.originRequestId());
        // Borrowed from the link's buffer, which NodeLink releases when this returns: every session
        // is written now, on this loop. The frame is encoded once per encoding and shared; only the
        // origin's copy, which carries its request id, is encoded for that one client.
        Delivery delivery = Delivery.borrowing(event.event());
        try {
            for (ClientSession session : local.sessions) {
                if (session.id() == event.originSessionId()) {
                    session.deliver(delivery.withRequestId(event.originRequestId()));
                } else {
                    session.deliverShared(delivery);
                }
            }
        } finally {
            delivery.releaseFrames();
        }
    }

    void onRedirect(NodeLink link, Redirect redirect) {
        metrics.redirected();
        // Not applied there; tracked again when it is sent on.
        inFlight.answered(
                redirect.getRequest().getSessionId(),
                redirect.getRequest().getMessage().getRequestId());
        String roomId = redirect.getRoomId();
        LocalRoom local = rooms.get(roomId);
        if (local != null && local.isMoving()) {
            // A rejoin is already on its way (a node that loses a room says so before it redirects the
            // requests it had not answered): the request waits for it, and no second rejoin goes out.
            local.held.add(
                    LinkFrame.newBuilder().setRequest(redirect.getRequest()).build());
            return;
        }
        NodeInfo owner = placement.reachable(redirect.getOwnerNodeId());
        if (local != null && local.node.equals(link.node()) && owner != null) {
            // The node we were seated on no longer has the room: move there, then retry.
            local.hold()
                    .add(LinkFrame.newBuilder()
                            .setRequest(redirect.getRequest())
                            .build());
            moves.start(local, owner, MoveCause.REDIRECT);
            return;
        }
        if (owner == null
                || !links.to(owner)
                        .send(LinkFrame.newBuilder()
                                .setRequest(redirect.getRequest())
                                .build())) {
            sessions.refuse(
                    redirect.getRequest(),
                    "room '" + roomId + "' is owned by node " + redirect.getOwnerNodeId()
                            + ", which cannot be reached now; retry");
            return;
        }
        inFlight.sent(redirect.getRequest(), owner.nodeId(), roomId);
    }

    void onHandoffStart(NodeLink link, String roomId) {
        LocalRoom local = rooms.get(roomId);
        if (local != null && local.node.equals(link.node())) {
            local.hold();
        }
        // Everything this loop sent to the node for the room is now ahead of this answer on the link.
        link.send(LinkFrame.newBuilder()
                .setHandoffReady(HandoffReady.newBuilder().setRoomId(roomId))
                .build());
    }

    void onHandoffDone(NodeLink link, HandoffDone done) {
        LocalRoom local = rooms.get(done.getRoomId());
        if (local == null || !local.node.equals(link.node())) {
            return;
        }
        NodeInfo next = placement.reachable(done.getNewOwnerNodeId());
        moves.start(local, next != null ? next : placement.ownerOf(done.getRoomId()), MoveCause.HANDOFF);
    }

    void onRoomLost(NodeLink link, String roomId) {
        LocalRoom local = rooms.get(roomId);
        if (local != null && local.node.equals(link.node())) {
            // Whoever the hash names knows (or finds out) who owns the room now, and redirects.
            moves.start(local, placement.ownerOf(roomId), MoveCause.ROOM_LOST);
        }
    }

    void onRejoinResult(NodeLink link, RejoinResult result) {
        moves.onRejoinResult(link, result);
    }

    /** The node is gone or unreachable: its rooms move to their successors, their requests wait. */
    void onLinkClosed(NodeLink link, List<LinkFrame> unsent) {
        NodeInfo node = link.node();
        links.closed(link);
        markUnreachable(node);
        // Frames never written are not in doubt: they are routed again below.
        for (LinkFrame frame : unsent) {
            if (frame.hasRequest()) {
                inFlight.answered(
                        frame.getRequest().getSessionId(),
                        frame.getRequest().getMessage().getRequestId());
            }
        }
        for (InFlightRequests.Lost lost : inFlight.lostWith(node.nodeId())) {
            ClientSession session = sessions.get(lost.sessionId());
            if (session != null) {
                session.error(
                        lost.requestId(),
                        ErrorCode.OUTCOME_UNKNOWN,
                        lost.roomId(),
                        "node " + node.nodeId()
                                + " was lost while handling this request: it may have been applied; if it was, its event"
                                + " reaches you once the room is back, so check before retrying");
            }
        }
        for (LocalRoom local : rooms.snapshot()) {
            if (local.node.equals(node)) {
                local.hold();
                moves.start(local, placement.ownerOf(local.roomId), MoveCause.NODE_LOST);
            }
        }
        for (LinkFrame frame : unsent) {
            if (frame.hasRequest()) {
                String roomId = RoomRequests.roomIdOf(frame.getRequest().getMessage());
                send(roomId, frame.getRequest());
            } else if (frame.hasRejoin()) {
                NodeInfo next = placement.ownerOf(frame.getRejoin().getRoomId());
                if (next == null
                        || !links.to(next)
                                .send(LinkFrame.newBuilder()
                                        .setRejoin(frame.getRejoin().toBuilder()
                                                .clearUnreachableNodeIds()
                                                .addAllUnreachableNodeIds(unreachable.ids()))
                                        .build())) {
                    moves.fail(frame.getRejoin().getRoomId(), frame.getRejoin(), "no game node can serve the room now");
                }
            }
        }
    }

    /**
     * Another loop found {@code node} unreachable (the gateway's {@link UnreachableNodes} says so for
     * all loops now): this loop drops its link to it too and moves its rooms at once, rather than
     * keep sending to the node until its own link fails, while the room's sessions on the other loop
     * follow the room to its new owner.
     */
    void onNodeUnreachable(NodeInfo node) {
        assert loop.inEventLoop();
        // Its closing answers the requests still with the node, and routes again what it had not sent.
        links.close(node);
        for (LocalRoom local : rooms.snapshot()) {
            if (!local.isMoving() && local.node.equals(node)) {
                local.hold();
                moves.start(local, placement.ownerOf(local.roomId), MoveCause.NODE_LOST);
            }
        }
    }

    /**
     * A link's handshake completed (the node's Welcome): if its node was marked unreachable since
     * before the link opened, the mark ends for the whole gateway ({@link #onNodeReachable} on every
     * loop).
     */
    void onLinkUp(NodeLink link) {
        unreachable.reachable(link.node(), link.openedNanos());
    }

    /**
     * {@code node} is reachable again (a link's handshake cleared its mark, on this loop or another):
     * this loop links to it again, and new rooms, and rooms whose move is still asked for, may be
     * placed on it. Rooms that moved off it while it was marked stay where they are now: moving them
     * back would be one more move, with its pause, for the rooms' clients.
     */
    void onNodeReachable(NodeInfo node) {
        assert loop.inEventLoop();
        if (view.get().contains(node) && !unreachable.ids().contains(node.nodeId())) {
            links.to(node);
        }
    }

    /** Marks {@code node} for the gateway; if that is news, this loop, which found it, probes it until its mark ends. */
    private void markUnreachable(NodeInfo node) {
        long episode = unreachable.mark(node);
        if (episode != 0) {
            probe(node, episode, UnreachableNodes.PROBE_FIRST_MILLIS);
        }
    }

    /**
     * While {@code node}'s mark of that episode stands (a node gone from the view is not linked to
     * meanwhile, but is if it comes back as the same incarnation): after {@code pauseMillis} a new link to it
     * (unless this loop has one opening), then again after twice the pause, up to
     * {@link UnreachableNodes#PROBE_MAX_MILLIS}. A link that completes its handshake ends the mark
     * ({@link #onLinkUp}); one that fails marks it again, as any link does, and the probing goes on.
     * Nothing is sent on a probe but the handshake: no room is placed on a marked node.
     */
    void probe(NodeInfo node, long episode, long pauseMillis) {
        loop.schedule(
                () -> {
                    if (!unreachable.stillMarked(node, episode)) {
                        return; // reachable again, forgotten, or a new incarnation: nothing to probe
                    }
                    if (view.get().contains(node)) {
                        NodeLink link = links.to(node);
                        if (link.isWelcomed()) {
                            // Up since before the node's latest failure (another loop's): it proves
                            // nothing now, and a fresh link will. Its closing marks the node again.
                            link.close();
                        }
                    }
                    probe(node, episode, Math.min(pauseMillis * 2, UnreachableNodes.PROBE_MAX_MILLIS));
                },
                pauseMillis,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Membership changed (also called once at start-up): rooms on nodes that left move now, without
     * waiting for their links to fail, and every live node gets a link.
     */
    void onViewChanged(NodeView current) {
        links.closeAllNotIn(current);
        // Rooms seated on a node that left but that this loop has no link to (never had, or lost).
        for (LocalRoom local : rooms.snapshot()) {
            if (!local.isMoving() && !current.contains(local.node)) {
                markUnreachable(local.node);
                local.hold();
                moves.start(local, placement.ownerOf(local.roomId), MoveCause.NODE_LOST);
            }
        }
        // A link to every live node, opened now rather than on first use: a failover or a drain then
        // moves rooms over links that are already up, instead of connecting to the successor in the
        // middle of the fault, when every process is busy (measured: half a second of a kill's recovery).
        Set<String> unreachableNow = unreachable.ids();
        for (NodeInfo node : current.nodes()) {
            if (!unreachableNow.contains(node.nodeId())) {
                links.to(node);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Routes a request: held if its room moves, else to the room's node, else refused. */
    private void send(String roomId, SessionRequest request) {
        LocalRoom local = rooms.get(roomId);
        if (local != null && local.isMoving()) {
            metrics.routed(Route.HELD);
            local.held.add(LinkFrame.newBuilder().setRequest(request).build());
            return;
        }
        NodeInfo node = local != null ? local.node : placement.ownerOf(roomId);
        if (node == null) {
            metrics.routed(Route.UNAVAILABLE);
            sessions.refuse(request, "no game node is live; retry later");
            return;
        }
        metrics.routed(local != null ? Route.PINNED : Route.HASHED);
        // A request names the nodes unreachable now; rebuilt only if that changed since it was made
        // (it waited while its room moved), as a copy costs more than the rest of the routing.
        Set<String> unreachableNow = unreachable.ids();
        SessionRequest routed = request.getUnreachableNodeIdsCount() == unreachableNow.size()
                        && unreachableNow.containsAll(request.getUnreachableNodeIdsList())
                ? request
                : request.toBuilder()
                        .clearUnreachableNodeIds()
                        .addAllUnreachableNodeIds(unreachableNow)
                        .build();
        if (!links.to(node).send(LinkFrame.newBuilder().setRequest(routed).build())) {
            sessions.refuse(request, "node " + node.nodeId() + " cannot be reached; retry");
            return;
        }
        inFlight.sent(routed, node.nodeId(), roomId);
    }
}
