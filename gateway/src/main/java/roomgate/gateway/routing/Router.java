package roomgate.gateway.routing;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;
import roomgate.wire.client.Delivery;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.metrics.GatewayMetrics.MoveCause;
import roomgate.gateway.metrics.GatewayMetrics.Route;
import roomgate.gateway.session.ClientSession;
import roomgate.wire.link.RoomEventFrame;
import roomgate.wire.client.RoomRequests;
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
import roomgate.protocol.v1.Resumed;
import roomgate.protocol.v1.RoomMoved;
import roomgate.protocol.v1.ServerMessage;

/**
 * Routing and fan-out for the sessions of one event loop. A room request goes to the node serving
 * the room — the one that seated this loop's sessions in it, or else the node rendezvous hashing
 * picks, which redirects if the ownership directory says otherwise — over this loop's link to that
 * node. Room events arriving on a link are fanned out to the loop's sessions in the room.
 *
 * <p>When a room moves — a drain hands it over, or its node dies (link closed, or gone from the
 * view) — the room's requests are held, its sessions are rejoined at the new owner, which sends each
 * what it missed, and then the held requests go out in order: the clients stay connected and only
 * see a pause and a {@code RoomMoved} notice. Everything here runs on the one event loop.
 */
public final class Router {
    private static final Logger log = LoggerFactory.getLogger(Router.class);

    private final EventLoop loop;
    private final String gatewayId;
    private final Supplier<NodeView> view;
    private final LinkConnector connector;
    /** Nanoseconds, as System.nanoTime: the retry and give-up windows are read from it, so tests need not sleep. */
    private final LongSupplier nanoClock;
    private final GatewayMetrics metrics;
    private final Map<Long, ClientSession> sessions = new HashMap<>();
    private final Map<String, LocalRoom> rooms = new HashMap<>();
    private final Map<String, NodeLink> links = new HashMap<>();
    private final InFlightRequests inFlight = new InFlightRequests();
    /**
     * Nodes whose link failed or that left the view, by id: not placed on, and named in every request
     * and rejoin, so that a node whose own view still lags may take their rooms over.
     */
    private final Map<String, Unreachable> unreachable = new HashMap<>();

    /** A node we could not reach: which incarnation, and since when. */
    private record Unreachable(UUID memberUuid, long sinceNanos) {}

    /** A node still in the view is tried again after this: its link may have failed for a passing reason. */
    static final long RETRY_UNREACHABLE_NANOS = 10_000_000_000L;
    /** A node gone from the view is named for this long: every other node's view has caught up by then. */
    static final long FORGET_UNREACHABLE_NANOS = 60_000_000_000L;
    /**
     * A room that cannot be rejoined yet (its owner's death not yet seen everywhere, or its claim
     * refused for now) is retried this often, until REJOIN_GIVE_UP_NANOS after its move began. A
     * deadline rather than a number of tries: a try can take seconds (a claim waiting for a
     * partition's new owner), and the clients, their requests held, wait on the clock.
     */
    static final long REJOIN_RETRY_MILLIS = 200;
    static final long REJOIN_GIVE_UP_NANOS = 10_000_000_000L;

    /** A room with sessions on this loop. */
    private static final class LocalRoom {
        NodeInfo node;
        final Set<ClientSession> sessions = new LinkedHashSet<>();
        /** The last event sequence this loop's sessions have all received. */
        long lastSequence;
        /** While the room moves: requests wait here, in arrival order. */
        List<LinkFrame> held;
        /** When the current move gives up (its clients unseated) unless a node has taken the room; 0 when none. */
        long giveUpNanos;

        LocalRoom(NodeInfo node) {
            this.node = node;
        }

        boolean isMoving() {
            return held != null;
        }
    }

    Router(EventLoop loop, String gatewayId, Supplier<NodeView> view, LinkConnector connector, GatewayMetrics metrics,
            LongSupplier nanoClock) {
        this.loop = loop;
        this.gatewayId = gatewayId;
        this.view = view;
        this.connector = connector;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
    }

    GatewayMetrics metrics() {
        return metrics;
    }

    public void register(ClientSession session) {
        assert loop.inEventLoop();
        sessions.put(session.id(), session);
    }

    /** Sends a join, leave, move or chat to the node of its room. */
    public void forward(ClientSession session, ClientMessage message, String roomId) {
        assert loop.inEventLoop();
        send(roomId, SessionRequest.newBuilder()
                .setSessionId(session.id())
                .setParticipantId(session.participantId())
                .setMessage(message)
                .addAllUnreachableNodeIds(unreachableIds())
                .build());
    }

    /** Takes a resuming client's seat back in a room: the owner sends what it missed after {@code lastSequence}. */
    public void resume(ClientSession session, String roomId, long lastSequence, String requestId) {
        assert loop.inEventLoop();
        LocalRoom local = rooms.get(roomId);
        NodeInfo node = local != null ? local.node : placement(roomId);
        RejoinSession rejoining = RejoinSession.newBuilder().setSessionId(session.id())
                .setParticipantId(session.participantId()).setLastSequence(lastSequence).setRequestId(requestId).build();
        Rejoin rejoin = Rejoin.newBuilder().setRoomId(roomId).addSessions(rejoining)
                .addAllUnreachableNodeIds(unreachableIds()).build();
        if (node == null || !linkTo(node).send(LinkFrame.newBuilder().setRejoin(rejoin).build())) {
            session.error(requestId, ErrorCode.ROOM_UNAVAILABLE, roomId, "no game node can serve the room now; retry");
        }
    }

    public void sessionClosed(ClientSession session) {
        assert loop.inEventLoop();
        sessions.remove(session.id());
        inFlight.sessionClosed(session.id());
        Map<NodeInfo, List<String>> byNode = new HashMap<>();
        for (String roomId : session.rooms()) {
            LocalRoom local = rooms.get(roomId);
            if (local != null) {
                byNode.computeIfAbsent(local.node, n -> new ArrayList<>()).add(roomId);
                unseat(session, roomId);
            }
        }
        byNode.forEach((node, roomIds) -> linkTo(node).send(LinkFrame.newBuilder()
                .setSessionClosed(SessionClosed.newBuilder().setSessionId(session.id()).addAllRoomIds(roomIds))
                .build()));
        session.rooms().clear();
    }

    // ------------------------------------------------------------------ from nodes

    void onReply(NodeLink link, SessionReply reply) {
        inFlight.answered(reply.getSessionId(), reply.getRequestId());
        ClientSession session = sessions.get(reply.getSessionId());
        if (session == null) {
            if (!reply.getJoinedRoomId().isEmpty()) {
                // Seated after it hung up: tell the node it is gone, or the seat stays taken.
                link.send(LinkFrame.newBuilder().setSessionClosed(SessionClosed.newBuilder()
                        .setSessionId(reply.getSessionId()).addRoomIds(reply.getJoinedRoomId())).build());
            }
            return;
        }
        if (!reply.getJoinedRoomId().isEmpty()) {
            LocalRoom local = seat(session, reply.getJoinedRoomId(), link.node());
            local.lastSequence = Math.max(local.lastSequence, reply.getSequence());
        }
        if (!reply.getLeftRoomId().isEmpty()) {
            unseat(session, reply.getLeftRoomId());
            session.rooms().remove(reply.getLeftRoomId());
        }
        session.deliver(Delivery.ofBytes(reply.getServerMessage()));
    }

    /** A room event: written to each of this loop's sessions in the room from the link's own bytes. */
    void onRoomEvent(RoomEventFrame event) {
        LocalRoom local = rooms.get(event.roomId());
        if (local == null) {
            return;
        }
        local.lastSequence = event.sequence();
        inFlight.answered(event.originSessionId(), event.originRequestId());
        // Borrowed from the link's buffer, which NodeLink releases when this returns: every session
        // is written now, on this loop, and the codec keeps its own reference for each frame.
        Delivery delivery = Delivery.borrowing(event.event());
        for (ClientSession session : local.sessions) {
            session.deliver(session.id() == event.originSessionId()
                    ? delivery.withRequestId(event.originRequestId())
                    : delivery);
        }
    }

    void onRedirect(NodeLink link, Redirect redirect) {
        metrics.redirected();
        // Not applied there; tracked again when it is sent on.
        inFlight.answered(redirect.getRequest().getSessionId(), redirect.getRequest().getMessage().getRequestId());
        String roomId = redirect.getRoomId();
        LocalRoom local = rooms.get(roomId);
        if (local != null && local.isMoving()) {
            // A rejoin is already on its way (a node that loses a room says so before it redirects the
            // requests it had not answered): the request waits for it, and no second rejoin goes out.
            local.held.add(LinkFrame.newBuilder().setRequest(redirect.getRequest()).build());
            return;
        }
        NodeInfo owner = reachable(redirect.getOwnerNodeId());
        if (local != null && local.node.equals(link.node()) && owner != null) {
            // The node we were seated on no longer has the room: move there, then retry.
            hold(local).add(LinkFrame.newBuilder().setRequest(redirect.getRequest()).build());
            metrics.roomMoved(MoveCause.REDIRECT);
            rejoin(roomId, local, owner, 0);
            return;
        }
        if (owner == null || !linkTo(owner).send(LinkFrame.newBuilder().setRequest(redirect.getRequest()).build())) {
            refuse(redirect.getRequest(), "room '" + roomId + "' is owned by node " + redirect.getOwnerNodeId()
                    + ", which cannot be reached now; retry");
            return;
        }
        inFlight.sent(redirect.getRequest(), owner.nodeId(), roomId);
    }

    void onHandoffStart(NodeLink link, String roomId) {
        LocalRoom local = rooms.get(roomId);
        if (local != null && local.node.equals(link.node())) {
            hold(local);
        }
        // Everything this loop sent to the node for the room is now ahead of this answer on the link.
        link.send(LinkFrame.newBuilder().setHandoffReady(HandoffReady.newBuilder().setRoomId(roomId)).build());
    }

    void onHandoffDone(NodeLink link, HandoffDone done) {
        LocalRoom local = rooms.get(done.getRoomId());
        if (local == null || !local.node.equals(link.node())) {
            return;
        }
        NodeInfo next = reachable(done.getNewOwnerNodeId());
        metrics.roomMoved(MoveCause.HANDOFF);
        rejoin(done.getRoomId(), local, next != null ? next : placement(done.getRoomId()), 0);
    }

    void onRoomLost(NodeLink link, String roomId) {
        LocalRoom local = rooms.get(roomId);
        if (local != null && local.node.equals(link.node())) {
            // Whoever the hash names knows (or finds out) who owns the room now, and redirects.
            metrics.roomMoved(MoveCause.ROOM_LOST);
            rejoin(roomId, local, placement(roomId), 0);
        }
    }

    void onRejoinResult(NodeLink link, RejoinResult result) {
        String roomId = result.getRoomId();
        Rejoin rejoin = result.getRejoin();
        if (!result.getOk()) {
            NodeInfo owner = result.getOwnerNodeId().isEmpty() ? null : reachable(result.getOwnerNodeId());
            if (owner != null && linkTo(owner).send(LinkFrame.newBuilder().setRejoin(rejoin).build())) {
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
                if (ownerGone) {
                    view.get().byId(result.getOwnerNodeId()).ifPresent(this::markUnreachable);
                }
                loop.schedule(() -> {
                    if (rooms.get(roomId) == moving && moving.isMoving()) {
                        rejoin(roomId, moving, placement(roomId), 0);
                    }
                }, REJOIN_RETRY_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
                return;
            }
            failRejoin(roomId, rejoin, temporary
                    ? "no game node could take room '" + roomId + "' over in time; join it again"
                    : result.getMessage().isEmpty() ? "room '" + roomId + "' cannot be served now; join it again"
                    : result.getMessage());
            return;
        }
        LocalRoom local = rooms.get(roomId);
        if (local == null) {
            local = new LocalRoom(link.node());
            rooms.put(roomId, local);
        }
        local.node = link.node();
        local.giveUpNanos = 0;
        Set<Long> unknown = new HashSet<>(result.getUnknownSessionIdsList());
        ServerMessage moved = ServerMessage.newBuilder()
                .setRoomMoved(RoomMoved.newBuilder().setRoomId(roomId).setOwnerNodeId(result.getOwnerNodeId())).build();
        for (RejoinSession rejoined : rejoin.getSessionsList()) {
            ClientSession session = sessions.get(rejoined.getSessionId());
            if (session == null) {
                continue;
            }
            if (unknown.contains(session.id())) {
                unseat(session, roomId);
                session.rooms().remove(roomId);
                session.error(rejoined.getRequestId(), ErrorCode.RESUME_REJECTED, roomId,
                        "your seat in room '" + roomId + "' is gone (the grace period passed); join again");
            } else if (!rejoined.getRequestId().isEmpty() || !local.sessions.contains(session)) {
                seat(session, roomId, link.node());
                session.deliver(Delivery.of(ServerMessage.newBuilder().setRequestId(rejoined.getRequestId())
                        .setResumed(Resumed.newBuilder().addRoomIds(roomId)).build()));
            } else {
                session.deliver(Delivery.of(moved));
            }
        }
        List<LinkFrame> held = local.held;
        local.held = null;
        if (held != null) {
            for (LinkFrame frame : held) {
                send(roomId, frame.getRequest());
            }
        }
        if (local.sessions.isEmpty()) {
            rooms.remove(roomId);
        }
    }

    /** The node is gone or unreachable: its rooms move to their successors, their requests wait. */
    void onLinkClosed(NodeLink link, List<LinkFrame> unsent) {
        NodeInfo node = link.node();
        links.remove(node.nodeId(), link);
        markUnreachable(node);
        // Frames never written are not in doubt: they are routed again below.
        for (LinkFrame frame : unsent) {
            if (frame.hasRequest()) {
                inFlight.answered(frame.getRequest().getSessionId(), frame.getRequest().getMessage().getRequestId());
            }
        }
        for (InFlightRequests.Lost lost : inFlight.lostWith(node.nodeId())) {
            ClientSession session = sessions.get(lost.sessionId());
            if (session != null) {
                session.error(lost.requestId(), ErrorCode.OUTCOME_UNKNOWN, lost.roomId(), "node " + node.nodeId()
                        + " was lost while handling this request: it may have been applied; if it was, its event"
                        + " reaches you once the room is back, so check before retrying");
            }
        }
        for (Map.Entry<String, LocalRoom> entry : new ArrayList<>(rooms.entrySet())) {
            if (entry.getValue().node.equals(node)) {
                LocalRoom local = entry.getValue();
                hold(local);
                metrics.roomMoved(MoveCause.NODE_LOST);
                rejoin(entry.getKey(), local, placement(entry.getKey()), 0);
            }
        }
        for (LinkFrame frame : unsent) {
            if (frame.hasRequest()) {
                String roomId = RoomRequests.roomIdOf(frame.getRequest().getMessage());
                send(roomId, frame.getRequest());
            } else if (frame.hasRejoin()) {
                NodeInfo next = placement(frame.getRejoin().getRoomId());
                if (next == null || !linkTo(next).send(LinkFrame.newBuilder().setRejoin(frame.getRejoin().toBuilder()
                        .clearUnreachableNodeIds().addAllUnreachableNodeIds(unreachableIds())).build())) {
                    failRejoin(frame.getRejoin().getRoomId(), frame.getRejoin(), "no game node can serve the room now");
                }
            }
        }
    }

    /**
     * Membership changed (also called once at start-up): rooms on nodes that left move now, without
     * waiting for their links to fail, and every live node gets a link.
     */
    void onViewChanged(NodeView current) {
        for (NodeLink link : new ArrayList<>(links.values())) {
            if (!current.contains(link.node())) {
                link.close();
            }
        }
        // Rooms seated on a node that left but that this loop has no link to (never had, or lost).
        for (Map.Entry<String, LocalRoom> entry : new ArrayList<>(rooms.entrySet())) {
            LocalRoom local = entry.getValue();
            if (!local.isMoving() && !current.contains(local.node)) {
                markUnreachable(local.node);
                hold(local);
                metrics.roomMoved(MoveCause.NODE_LOST);
                rejoin(entry.getKey(), local, placement(entry.getKey()), 0);
            }
        }
        // A link to every live node, opened now rather than on first use: a failover or a drain then
        // moves rooms over links that are already up, instead of connecting to the successor in the
        // middle of the fault, when every process is busy (measured: half a second of a kill's recovery).
        Set<String> unreachableNow = unreachableIds();
        for (NodeInfo node : current.nodes()) {
            if (!unreachableNow.contains(node.nodeId())) {
                linkTo(node);
            }
        }
    }

    private void markUnreachable(NodeInfo node) {
        if (unreachable.put(node.nodeId(), new Unreachable(node.memberUuid(), nanoClock.getAsLong())) == null) {
            log.warn("node {} unreachable; moving its rooms", node.nodeId());
        }
    }

    /** The node ids not to place on (and to name as unreachable), after dropping those worth another try. */
    private Set<String> unreachableIds() {
        if (!unreachable.isEmpty()) {
            long now = nanoClock.getAsLong();
            NodeView current = view.get();
            unreachable.entrySet().removeIf(e -> {
                NodeInfo live = current.byId(e.getKey()).orElse(null);
                long age = now - e.getValue().sinceNanos();
                if (live == null) {
                    return age > FORGET_UNREACHABLE_NANOS;
                }
                return !live.memberUuid().equals(e.getValue().memberUuid()) || age > RETRY_UNREACHABLE_NANOS;
            });
        }
        return unreachable.keySet();
    }

    // ------------------------------------------------------------------ helpers

    private void send(String roomId, SessionRequest request) {
        LocalRoom local = rooms.get(roomId);
        if (local != null && local.isMoving()) {
            metrics.routed(Route.HELD);
            local.held.add(LinkFrame.newBuilder().setRequest(request).build());
            return;
        }
        NodeInfo node = local != null ? local.node : placement(roomId);
        if (node == null) {
            metrics.routed(Route.UNAVAILABLE);
            refuse(request, "no game node is live; retry later");
            return;
        }
        metrics.routed(local != null ? Route.PINNED : Route.HASHED);
        // A request names the nodes unreachable now; rebuilt only if that changed since it was made
        // (it waited while its room moved), as a copy costs more than the rest of the routing.
        Set<String> unreachableNow = unreachableIds();
        SessionRequest routed = request.getUnreachableNodeIdsCount() == unreachableNow.size()
                && unreachableNow.containsAll(request.getUnreachableNodeIdsList())
                ? request
                : request.toBuilder().clearUnreachableNodeIds().addAllUnreachableNodeIds(unreachableNow).build();
        if (!linkTo(node).send(LinkFrame.newBuilder().setRequest(routed).build())) {
            refuse(request, "node " + node.nodeId() + " cannot be reached; retry");
            return;
        }
        inFlight.sent(routed, node.nodeId(), roomId);
    }

    private void rejoin(String roomId, LocalRoom local, NodeInfo target, int hops) {
        hold(local);
        if (local.giveUpNanos == 0) {
            local.giveUpNanos = nanoClock.getAsLong() + REJOIN_GIVE_UP_NANOS;
        }
        if (target == null) {
            failRejoin(roomId, null, "no game node can take room '" + roomId + "' now; join it again");
            return;
        }
        local.node = target;
        Rejoin.Builder rejoin = Rejoin.newBuilder().setRoomId(roomId).setHops(hops)
                .addAllUnreachableNodeIds(unreachableIds());
        for (ClientSession session : local.sessions) {
            rejoin.addSessions(RejoinSession.newBuilder().setSessionId(session.id())
                    .setParticipantId(session.participantId()).setLastSequence(local.lastSequence));
        }
        if (!linkTo(target).send(LinkFrame.newBuilder().setRejoin(rejoin).build())) {
            failRejoin(roomId, rejoin.build(), "node " + target.nodeId() + " cannot be reached");
        }
    }

    /** The room could not be moved: its sessions here are unseated and told to join again. */
    private void failRejoin(String roomId, Rejoin rejoin, String message) {
        LocalRoom local = rooms.get(roomId);
        Set<ClientSession> affected = new LinkedHashSet<>();
        if (local != null && (rejoin == null || rejoin.getSessionsList().stream().anyMatch(s -> s.getRequestId().isEmpty()))) {
            affected.addAll(local.sessions);
            rooms.remove(roomId);
            if (local.held != null) {
                local.held.forEach(f -> refuse(f.getRequest(), message));
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

    private void refuse(SessionRequest request, String message) {
        ClientSession session = sessions.get(request.getSessionId());
        if (session != null) {
            session.error(request.getMessage().getRequestId(), ErrorCode.ROOM_UNAVAILABLE,
                    RoomRequests.roomIdOf(request.getMessage()), message);
        }
    }

    private static List<LinkFrame> hold(LocalRoom local) {
        if (local.held == null) {
            local.held = new ArrayList<>();
        }
        return local.held;
    }

    /** Where a room without sessions here goes: rendezvous hashing over the reachable nodes. */
    private NodeInfo placement(String roomId) {
        return view.get().ownerOf(roomId, unreachableIds());
    }

    private NodeInfo reachable(String nodeId) {
        if (unreachableIds().contains(nodeId)) {
            return null;
        }
        return view.get().byId(nodeId).orElse(null);
    }

    private LocalRoom seat(ClientSession session, String roomId, NodeInfo node) {
        LocalRoom local = rooms.computeIfAbsent(roomId, r -> new LocalRoom(node));
        local.sessions.add(session);
        session.rooms().add(roomId);
        return local;
    }

    private void unseat(ClientSession session, String roomId) {
        LocalRoom local = rooms.get(roomId);
        if (local != null && local.sessions.remove(session) && local.sessions.isEmpty() && !local.isMoving()) {
            rooms.remove(roomId);
        }
    }

    private NodeLink linkTo(NodeInfo node) {
        NodeLink link = links.get(node.nodeId());
        if (link != null && !link.isClosed() && link.node().equals(node)) {
            return link;
        }
        if (link != null) {
            // The node restarted under the same id at a new address: the old link is stale.
            link.close();
        }
        NodeLink opened = NodeLink.open(this, loop, node, connector, gatewayId);
        if (!opened.isClosed()) {
            links.put(node.nodeId(), opened);
        }
        return opened;
    }
}
