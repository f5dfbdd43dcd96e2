package roomgate.node.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;
import roomgate.node.replication.RoomStore;
import roomgate.node.room.RoomException;
import roomgate.node.room.types.RoomTypes;
import roomgate.node.tick.Ticker;
import roomgate.protocol.admin.v1.HostedRoom;
import roomgate.protocol.link.v1.Rejoin;
import roomgate.protocol.link.v1.RejoinResult;
import roomgate.protocol.link.v1.RejoinSession;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.Error;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.ServerMessage;

/**
 * One thread and the rooms it owns. A room ID always hashes to the same stripe, so every change to
 * a room happens on that stripe's single thread, in arrival order, and room code needs no locks.
 * Methods named {@code on...} run on the stripe thread.
 *
 * <p>A room is LOADING while its claim is with the store (requests wait in order), LIVE once this
 * node owns it, HANDING OFF while a drain moves it to its successor (its gateways hold new requests),
 * and gone after: later requests are redirected to where it went.
 */
final class RoomStripe {
    private static final Logger log = LoggerFactory.getLogger(RoomStripe.class);
    /** One per process, shared by the stripes: below the quorum every claim fails, several a second per room. */
    private static final LogThrottle CLAIM_FAILURES = new LogThrottle(Duration.ofSeconds(5));
    /** Redirects per request before we give up: guards against two nodes pointing at each other. */
    static final int MAX_HOPS = 4;
    static final long HANDOFF_READY_TIMEOUT_MS = 5_000;
    private static final int MOVED_MEMORY = 10_000;

    /** A request or rejoin, as it arrived on a link. */
    private record Work(GatewayLink link, SessionRequest request, Rejoin rejoin) {
        String roomId() {
            return request != null ? roomgate.wire.client.RoomRequests.roomIdOf(request.getMessage()) : rejoin.getRoomId();
        }

        List<String> unreachable() {
            return request != null ? request.getUnreachableNodeIdsList() : rejoin.getUnreachableNodeIdsList();
        }

        int hops() {
            return request != null ? request.getHops() : rejoin.getHops();
        }
    }

    private final class Handoff {
        final String successor;
        final Set<GatewayLink> told;
        final Set<GatewayLink> awaiting;
        final List<Work> held = new ArrayList<>();
        final Runnable done;
        final long startNanos = System.nanoTime();
        ScheduledFuture<?> timeout;
        boolean transferring;

        Handoff(String successor, Set<GatewayLink> links, Runnable done) {
            this.successor = successor;
            this.told = links;
            this.awaiting = new HashSet<>(links);
            this.done = done;
        }
    }

    private final RoomContext ctx;
    private final Supplier<NodeView> view;
    private final Supplier<Set<String>> members;
    private final Supplier<Boolean> draining;
    private final AtomicInteger roomCount;
    private final Map<String, RoomHost> live = new HashMap<>();
    private final Map<String, List<Work>> loading = new HashMap<>();
    private final Map<String, Handoff> handoffs = new HashMap<>();
    /** The running tickers of ticking rooms that have someone in them. */
    private final Map<String, Ticker> tickers = new HashMap<>();
    private final Map<String, String> movedTo = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MOVED_MEMORY;
        }
    };

    /**
     * @param members the ids of the game nodes that are cluster members now (read live from Hazelcast,
     *     not from the view): a room's owner counts as alive while it is one
     */
    RoomStripe(RoomContext ctx, Supplier<NodeView> view, Supplier<Set<String>> members, Supplier<Boolean> draining,
            AtomicInteger roomCount) {
        this.ctx = ctx;
        this.view = view;
        this.members = members;
        this.draining = draining;
        this.roomCount = roomCount;
    }

    RoomContext context() {
        return ctx;
    }

    // ------------------------------------------------------------------ entry points

    void onRequest(GatewayLink link, SessionRequest request) {
        dispatch(new Work(link, request, null));
    }

    void onRejoin(GatewayLink link, Rejoin rejoin) {
        dispatch(new Work(link, null, rejoin));
    }

    void onSessionClosed(SessionKey who, String roomId) {
        RoomHost host = live.get(roomId);
        if (host != null) {
            host.disconnected(who);
            settle(roomId);
        }
    }

    void onLinkClosed(GatewayLink link) {
        for (Map.Entry<String, RoomHost> e : new ArrayList<>(live.entrySet())) {
            e.getValue().linkClosed(link);
            Handoff handoff = handoffs.get(e.getKey());
            if (handoff != null && handoff.awaiting.remove(link)) {
                maybeTransfer(e.getKey());
            }
            settle(e.getKey());
        }
    }

    void onHandoffReady(GatewayLink link, String roomId) {
        Handoff handoff = handoffs.get(roomId);
        if (handoff != null && handoff.awaiting.remove(link)) {
            maybeTransfer(roomId);
        }
    }

    List<String> liveRooms() {
        return new ArrayList<>(live.keySet());
    }

    /** Moves a live room to its successor (drain); {@code done} runs when it moved or cannot. */
    void onStartHandoff(String roomId, Runnable done) {
        RoomHost host = live.get(roomId);
        NodeInfo successor = view.get().ownerOf(roomId, Set.of(ctx.nodeId()));
        if (host == null || handoffs.containsKey(roomId) || successor == null) {
            if (host != null && successor == null) {
                log.warn("room {}: no other node to hand it to; it stays", roomId);
            }
            done.run();
            return;
        }
        Handoff handoff = new Handoff(successor.nodeId(), host.links(), done);
        handoffs.put(roomId, handoff);
        handoff.told.forEach(link -> link.handoffStart(roomId));
        handoff.timeout = ctx.executor().schedule(() -> {
            if (!handoff.awaiting.isEmpty()) {
                log.warn("room {}: {} gateway link(s) did not confirm the handoff in time; moving on", roomId,
                        handoff.awaiting.size());
                handoff.awaiting.clear();
                maybeTransfer(roomId);
            }
        }, HANDOFF_READY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        maybeTransfer(roomId);
    }

    /** Stats for the node's published status: rooms, connected sessions, epoch range. */
    RegistryStats onStats() {
        RegistryStats stats = RegistryStats.NONE;
        for (RoomHost host : live.values()) {
            stats = stats.plus(new RegistryStats(1, host.connectedSessions(), host.epoch(), host.epoch()));
        }
        return stats;
    }

    List<HostedRoom> onHostedRooms() {
        List<HostedRoom> rooms = new ArrayList<>(live.size());
        live.forEach((roomId, host) -> rooms.add(HostedRoom.newBuilder().setRoomId(roomId).setEpoch(host.epoch()).build()));
        return rooms;
    }

    /** This node was cut off and the cluster went on without it: whatever it holds is stale. */
    void onDropAll() {
        for (RoomHost host : new ArrayList<>(live.values())) {
            host.lose();
        }
    }

    // ------------------------------------------------------------------ dispatch

    private void dispatch(Work work) {
        String roomId = work.roomId();
        RoomHost host = live.get(roomId);
        if (host != null) {
            Handoff handoff = handoffs.get(roomId);
            if (handoff != null && !handoff.told.contains(work.link())) {
                // A link the handoff did not reach: its request waits for the new owner.
                handoff.held.add(work);
                return;
            }
            serve(host, work);
            return;
        }
        List<Work> waiting = loading.get(roomId);
        if (waiting != null) {
            waiting.add(work);
            return;
        }
        String moved = movedTo.get(roomId);
        if (moved != null) {
            redirect(work, moved);
            return;
        }
        if (draining.get()) {
            NodeInfo other = view.get().ownerOf(roomId, Set.of(ctx.nodeId()));
            if (other != null) {
                redirect(work, other.nodeId());
            } else {
                refuse(work, ErrorCode.ROOM_UNAVAILABLE, "node " + ctx.nodeId() + " is draining and no other node takes rooms");
            }
            return;
        }
        GameType createAs = GameType.GAME_TYPE_UNSPECIFIED;
        if (work.request() != null && work.request().getMessage().getBodyCase() == ClientMessage.BodyCase.JOIN) {
            createAs = work.request().getMessage().getJoin().getGameType();
            if (!RoomTypes.supports(createAs)) {
                refuse(work, ErrorCode.UNKNOWN_GAME_TYPE, "game_type: " + createAs + " (expected: CHESS or ARENA)");
                return;
            }
        }
        load(roomId, work, createAs);
    }

    private void load(String roomId, Work first, GameType createAs) {
        List<Work> waiting = new ArrayList<>();
        waiting.add(first);
        loading.put(roomId, waiting);
        // The owner counts as alive while it is a cluster member (minus those the gateway names
        // unreachable), read from Hazelcast's member list and not from the view: right after this
        // node rejoins from a split, gateways reach it before its view has caught up (built from
        // events, statuses one by one), and a claim made then took rooms from live owners.
        Set<String> liveIds = new LinkedHashSet<>(members.get());
        liveIds.removeAll(first.unreachable());
        ctx.store().claim(roomId, ctx.nodeId(), liveIds, createAs).whenCompleteAsync((claim, failure) -> {
            List<Work> queued = loading.remove(roomId);
            if (failure != null) {
                long heldBack = CLAIM_FAILURES.admit();
                if (heldBack != LogThrottle.HOLD) {
                    log.warn("room {}: claim failed: {}{}", roomId, failure.toString(),
                            heldBack == 0 ? "" : " (" + heldBack + " more claim failures not logged since the last such line)");
                }
                queued.forEach(w -> refuse(w, ErrorCode.ROOM_UNAVAILABLE, "room '" + roomId + "' cannot be loaded now; retry"));
                return;
            }
            switch (claim.outcome()) {
                case CLAIMED -> {
                    RoomHost host = RoomHost.rebuild(claim.record(), ctx, unanswered -> forget(roomId, unanswered));
                    live.put(roomId, host);
                    roomCount.incrementAndGet();
                    ctx.metrics().roomOpened(host.room().type());
                    if (claim.record().getEpoch() > 1) {
                        log.info("room {}: taken over at epoch {} with {} events", roomId, claim.record().getEpoch(),
                                claim.record().getEventsCount());
                    }
                    queued.forEach(this::dispatch);
                    settle(roomId);
                }
                case OWNED_ELSEWHERE -> queued.forEach(w -> redirect(w, claim.ownerNodeId()));
                case ABSENT -> queued.forEach(w -> refuse(w, ErrorCode.NOT_IN_ROOM,
                        "no room '" + roomId + "' (join it with a game_type to create it)"));
            }
        }, ctx.executor());
    }

    private void serve(RoomHost host, Work work) {
        if (work.rejoin() != null) {
            Rejoin rejoin = work.rejoin();
            List<Long> unknown = host.rejoin(work.link(), rejoin.getSessionsList());
            work.link().rejoinResult(RejoinResult.newBuilder()
                    .setRoomId(rejoin.getRoomId())
                    .setOk(true)
                    .setOwnerNodeId(ctx.nodeId())
                    .setEpoch(host.epoch())
                    .addAllUnknownSessionIds(unknown)
                    .setRejoin(rejoin)
                    .build());
            for (RejoinSession s : rejoin.getSessionsList()) {
                if (!unknown.contains(s.getSessionId())) {
                    host.catchUp(work.link(), s);
                }
            }
            return;
        }
        SessionRequest request = work.request();
        ClientMessage message = request.getMessage();
        SessionKey who = new SessionKey(work.link(), request.getSessionId());
        GameType roomType = host.room().type();
        ctx.metrics().message(roomType, message.getBodyCase());
        boolean game = false;
        try {
            switch (message.getBodyCase()) {
                case JOIN -> host.join(who, request);
                case LEAVE -> host.leave(who, request);
                case CHAT -> host.chat(who, request);
                default -> {
                    game = true;
                    host.game(who, request);
                    ctx.metrics().moveAccepted(roomType);
                }
            }
        } catch (RoomException e) {
            if (game) {
                ctx.metrics().moveRefused(roomType, e.code());
            }
            refuse(work, e.code(), e.getMessage());
        }
        settle(work.roomId());
    }

    private void redirect(Work work, String owner) {
        if (work.hops() >= MAX_HOPS || owner.equals(ctx.nodeId())) {
            refuse(work, ErrorCode.ROOM_UNAVAILABLE, "room '" + work.roomId() + "' has no reachable owner now; retry");
            return;
        }
        if (work.request() != null) {
            work.link().redirect(work.roomId(), owner,
                    work.request().toBuilder().setHops(work.request().getHops() + 1).build());
        } else {
            work.link().rejoinResult(RejoinResult.newBuilder()
                    .setRoomId(work.roomId())
                    .setOk(false)
                    .setOwnerNodeId(owner)
                    .setRejoin(work.rejoin().toBuilder().setHops(work.rejoin().getHops() + 1))
                    .build());
        }
    }

    private void refuse(Work work, ErrorCode code, String message) {
        if (work.request() != null) {
            ctx.metrics().errorSent(code);
            work.link().reply(work.request().getSessionId(), ServerMessage.newBuilder()
                    .setRequestId(work.request().getMessage().getRequestId())
                    .setError(Error.newBuilder().setCode(code).setMessage(message).setRoomId(work.roomId()))
                    .build(), "", "", 0);
        } else {
            work.link().rejoinResult(RejoinResult.newBuilder()
                    .setRoomId(work.roomId())
                    .setOk(false)
                    .setRejoin(work.rejoin())
                    .setMessage(message)
                    .setCode(code)
                    .build());
        }
    }

    // ------------------------------------------------------------------ handoff

    private void maybeTransfer(String roomId) {
        Handoff handoff = handoffs.get(roomId);
        RoomHost host = live.get(roomId);
        if (handoff == null || handoff.transferring || !handoff.awaiting.isEmpty()) {
            return;
        }
        if (host == null) {
            finishHandoff(roomId, handoff, false);
            return;
        }
        if (!host.isFlushed()) {
            // Events still on their way to the store: they must be stored (and delivered) before the move.
            ctx.executor().schedule(() -> maybeTransfer(roomId), 2, TimeUnit.MILLISECONDS);
            return;
        }
        handoff.transferring = true;
        Ticker ticker = tickers.remove(roomId);
        if (ticker != null) {
            ticker.stop(); // the last snapshot below must be the state the successor starts from
        }
        CompletionStage<Boolean> saved = host.replicatesSnapshots()
                ? host.snapshot()
                : CompletableFuture.completedFuture(true);
        saved.thenCompose(ok -> ok ? ctx.store().transfer(roomId, host.epoch(), handoff.successor)
                : CompletableFuture.completedFuture(false)).whenCompleteAsync((ok, failure) -> {
            if (failure == null && Boolean.TRUE.equals(ok)) {
                Set<GatewayLink> links = new LinkedHashSet<>(handoff.told);
                links.addAll(host.links());
                dispose(roomId);
                movedTo.put(roomId, handoff.successor);
                links.forEach(link -> link.handoffDone(roomId, handoff.successor));
                finishHandoff(roomId, handoff, true);
            } else {
                log.warn("room {}: transfer to {} refused ({}); the room was taken over", roomId, handoff.successor,
                        failure != null ? failure.toString() : "stale epoch");
                host.lose(); // ends the handoff too
            }
        }, ctx.executor());
    }

    private void finishHandoff(String roomId, Handoff handoff, boolean moved) {
        handoffs.remove(roomId);
        ctx.metrics().handoff(moved, System.nanoTime() - handoff.startNanos);
        if (handoff.timeout != null) {
            handoff.timeout.cancel(false);
        }
        for (Work work : handoff.held) {
            if (moved) {
                redirect(work, handoff.successor);
            } else {
                dispatch(work);
            }
        }
        handoff.done.run();
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * The room was lost to another node. Its unanswered requests are answered here and now, ahead of
     * anything that arrives later: those the store never took are dispatched again, which (the room
     * gone from here) asks the directory and redirects them to the owner; those it may have kept
     * cannot be retried for the client. A handoff under way ends, and the requests it held follow.
     */
    private void forget(String roomId, RoomHost.Unanswered unanswered) {
        dispose(roomId);
        for (RoomHost.Request r : unanswered.inDoubt()) {
            refuse(new Work(r.link(), r.request(), null), ErrorCode.OUTCOME_UNKNOWN, "room '" + roomId
                    + "' moved to another node while this request was being stored; it may have been applied:"
                    + " if it was, its event reaches you in the room's catch-up, so check before retrying");
        }
        for (RoomHost.Request r : unanswered.notStored()) {
            dispatch(new Work(r.link(), r.request(), null));
        }
        Handoff handoff = handoffs.get(roomId);
        if (handoff != null) {
            finishHandoff(roomId, handoff, false);
        }
    }

    /**
     * After a room's participants may have changed: it ticks only while someone is in it (an empty
     * arena would wake this thread 30 times a second for nobody), and is freed when idle long enough.
     */
    private void settle(String roomId) {
        RoomHost host = live.get(roomId);
        if (host == null) {
            return;
        }
        if (host.tickInterval() != null) {
            Ticker ticker = tickers.get(roomId);
            if (ticker == null && !host.isEmpty()) {
                ticker = new Ticker(roomId, ctx.executor(), host.tickInterval(), host.tickStats(), index -> host.tick());
                tickers.put(roomId, ticker);
                ticker.start();
            } else if (ticker != null && host.isEmpty()) {
                tickers.remove(roomId).stop();
            }
        }
        if (host.isEmpty()) {
            ctx.executor().schedule(() -> {
                if (live.get(roomId) == host && host.isEmpty() && host.isFlushed() && !handoffs.containsKey(roomId)) {
                    dispose(roomId);
                }
            }, ctx.idleRoomTtl().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Forgets a room here (its record stays in the store): no ticks, no timers. */
    private void dispose(String roomId) {
        RoomHost host = live.remove(roomId);
        Ticker ticker = tickers.remove(roomId);
        if (ticker != null) {
            ticker.stop();
        }
        if (host != null) {
            host.close();
            roomCount.decrementAndGet();
            ctx.metrics().roomClosed(host.room().type());
            if (host.tickStats() != null) {
                log.info("room {} ({}) leaves this node; its ticks: {}", roomId, host.room().type(), host.tickStats().summary());
            }
        }
    }

    void onClear() {
        new ArrayList<>(live.keySet()).forEach(this::dispose);
    }

    /** The running ticker of a room, or null; for tests. */
    Ticker tickerOf(String roomId) {
        assert ctx.executor().inEventLoop();
        return tickers.get(roomId);
    }
}
