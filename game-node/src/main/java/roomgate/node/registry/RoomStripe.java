package roomgate.node.registry;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.node.metrics.NodeMetrics;
import roomgate.node.registry.RoomPhase.HandingOff;
import roomgate.node.registry.RoomPhase.Live;
import roomgate.node.registry.RoomPhase.Loading;
import roomgate.node.registry.RoomPhase.Moved;
import roomgate.node.room.RoomException;
import roomgate.node.room.types.RoomTypes;
import roomgate.node.tick.Ticker;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;
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
import roomgate.runtime.LogThrottle;

/**
 * One thread and the rooms it owns. A room ID always hashes to the same stripe, so every change to
 * a room happens on that stripe's single thread, in arrival order, and room code needs no locks.
 * Methods named {@code on...} run on the stripe thread.
 *
 * <p>Each room it knows of is in one {@link RoomPhase}: LOADING while its claim is with the store
 * (requests wait in order), LIVE once this node owns it, HANDING OFF while a drain moves it to its
 * successor (its gateways hold new requests), and MOVED after: later requests are redirected to
 * where it went.
 */
final class RoomStripe {
    private static final Logger log = LoggerFactory.getLogger(RoomStripe.class);
    /** One per process, shared by the stripes: below the quorum every claim fails, several a second per room. */
    private static final LogThrottle CLAIM_FAILURES = new LogThrottle(Duration.ofSeconds(5));
    /** Redirects per request before we give up: guards against two nodes pointing at each other. */
    static final int MAX_HOPS = 4;

    static final long HANDOFF_READY_TIMEOUT_MS = 5_000;
    private static final int MOVED_MEMORY = 10_000;
    /** A finished room the archive's backlog could not take (full, or the cluster refused) is offered again after this. */
    static final Duration ARCHIVE_RETRY = Duration.ofSeconds(10);

    private final RoomContext ctx;
    private final Supplier<NodeView> view;
    private final Supplier<Set<String>> members;
    private final Supplier<Boolean> draining;
    private final AtomicInteger roomCount;
    private final Map<String, RoomPhase> rooms = new HashMap<>();
    /**
     * The rooms in {@link Moved}, oldest first: only the latest {@link #MOVED_MEMORY} are remembered
     * (a draining node moves every room it has, and keeps no more than it needs to redirect stragglers).
     */
    private final ArrayDeque<String> movedOrder = new ArrayDeque<>();

    /**
     * @param members the ids of the game nodes that are cluster members now (read live from Hazelcast,
     *     not from the view): a room's owner counts as alive while it is one
     */
    RoomStripe(
            RoomContext ctx,
            Supplier<NodeView> view,
            Supplier<Set<String>> members,
            Supplier<Boolean> draining,
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
        LiveRoom room = served(roomId);
        if (room != null) {
            room.host().disconnected(who);
            settle(roomId);
        }
    }

    void onLinkClosed(GatewayLink link) {
        for (String roomId : liveRooms()) {
            LiveRoom room = served(roomId);
            if (room == null) {
                continue;
            }
            room.host().linkClosed(link);
            if (rooms.get(roomId) instanceof HandingOff handingOff
                    && handingOff.handoff().awaiting.remove(link)) {
                maybeTransfer(roomId);
            }
            settle(roomId);
        }
    }

    void onHandoffReady(GatewayLink link, String roomId) {
        if (rooms.get(roomId) instanceof HandingOff handingOff
                && handingOff.handoff().awaiting.remove(link)) {
            maybeTransfer(roomId);
        }
    }

    /** The rooms this node serves here (handing off or not). */
    List<String> liveRooms() {
        List<String> served = new ArrayList<>();
        rooms.forEach((roomId, phase) -> {
            if (phase.served() != null) {
                served.add(roomId);
            }
        });
        return served;
    }

    /** Moves a live room to its successor (drain); {@code done} runs when it moved or cannot. */
    void onStartHandoff(String roomId, Runnable done) {
        RoomPhase phase = rooms.get(roomId);
        NodeInfo successor = view.get().ownerOf(roomId, Set.of(ctx.nodeId()));
        if (!(phase instanceof Live live) || successor == null) {
            if (phase != null && phase.served() != null && successor == null) {
                log.warn("room {}: no other node to hand it to; it stays", roomId);
            }
            done.run();
            return;
        }
        LiveRoom room = live.room();
        Handoff handoff = new Handoff(successor.nodeId(), room.host().links(), done);
        rooms.put(roomId, new HandingOff(room, handoff));
        room.cancelIdleTimer(); // it leaves by the handoff, not for being idle
        handoff.told.forEach(link -> link.handoffStart(roomId));
        handoff.timeout = ctx.executor()
                .schedule(
                        () -> {
                            if (!handoff.awaiting.isEmpty()) {
                                log.warn(
                                        "room {}: {} gateway link(s) did not confirm the handoff in time; moving on",
                                        roomId,
                                        handoff.awaiting.size());
                                handoff.awaiting.clear();
                                maybeTransfer(roomId);
                            }
                        },
                        HANDOFF_READY_TIMEOUT_MS,
                        TimeUnit.MILLISECONDS);
        maybeTransfer(roomId);
    }

    /** Stats for the node's published status: rooms, connected sessions, epoch range. */
    RegistryStats onStats() {
        RegistryStats stats = RegistryStats.NONE;
        for (String roomId : liveRooms()) {
            RoomHost host = served(roomId).host();
            stats = stats.plus(new RegistryStats(1, host.connectedSessions(), host.epoch(), host.epoch()));
        }
        return stats;
    }

    List<HostedRoom> onHostedRooms() {
        List<HostedRoom> hosted = new ArrayList<>();
        for (String roomId : liveRooms()) {
            hosted.add(HostedRoom.newBuilder()
                    .setRoomId(roomId)
                    .setEpoch(served(roomId).host().epoch())
                    .build());
        }
        return hosted;
    }

    /** This node was cut off and the cluster went on without it: whatever it holds is stale. */
    void onDropAll() {
        for (String roomId : liveRooms()) {
            LiveRoom room = served(roomId);
            if (room != null) {
                room.host().lose();
            }
        }
    }

    // ------------------------------------------------------------------ dispatch

    private void dispatch(Work work) {
        String roomId = work.roomId();
        RoomPhase phase = rooms.get(roomId);
        if (phase instanceof Live live) {
            serve(live.room().host(), work);
            return;
        }
        if (phase instanceof HandingOff handingOff) {
            if (!handingOff.handoff().told.contains(work.link())) {
                // A link the handoff did not reach: its request waits for the new owner.
                handingOff.handoff().held.add(work);
                return;
            }
            serve(handingOff.room().host(), work);
            return;
        }
        if (phase instanceof Loading loading) {
            loading.waiting().add(work);
            return;
        }
        if (phase instanceof Moved moved) {
            redirect(work, moved.successor());
            return;
        }
        if (draining.get()) {
            NodeInfo other = view.get().ownerOf(roomId, Set.of(ctx.nodeId()));
            if (other != null) {
                redirect(work, other.nodeId());
            } else {
                refuse(
                        work,
                        ErrorCode.ROOM_UNAVAILABLE,
                        "node " + ctx.nodeId() + " is draining and no other node takes rooms");
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
        rooms.put(roomId, new Loading(waiting));
        // The owner counts as alive while it is a cluster member (minus those the gateway names
        // unreachable), read from Hazelcast's member list and not from the view: right after this
        // node rejoins from a split, gateways reach it before its view has caught up (built from
        // events, statuses one by one), and a claim made then took rooms from live owners.
        Set<String> liveIds = new LinkedHashSet<>(members.get());
        liveIds.removeAll(first.unreachable());
        ctx.store()
                .claim(roomId, ctx.nodeId(), liveIds, createAs)
                .whenCompleteAsync(
                        (claim, failure) -> {
                            // Nothing but this completion ends LOADING: the requests that came meanwhile are all here.
                            List<Work> queued = ((Loading) rooms.remove(roomId)).waiting();
                            if (failure != null) {
                                long heldBack = CLAIM_FAILURES.admit();
                                if (heldBack != LogThrottle.HOLD) {
                                    log.warn(
                                            "room {}: claim failed: {}{}",
                                            roomId,
                                            failure.toString(),
                                            heldBack == 0
                                                    ? ""
                                                    : " (" + heldBack
                                                            + " more claim failures not logged since the last such line)");
                                }
                                queued.forEach(w -> refuse(
                                        w,
                                        ErrorCode.ROOM_UNAVAILABLE,
                                        "room '" + roomId + "' cannot be loaded now; retry"));
                                return;
                            }
                            switch (claim.outcome()) {
                                case CLAIMED -> {
                                    RoomHost host = RoomHost.rebuild(
                                            claim.record(),
                                            ctx,
                                            unanswered -> forget(roomId, unanswered),
                                            () -> settle(roomId));
                                    rooms.put(roomId, new Live(new LiveRoom(host)));
                                    roomCount.incrementAndGet();
                                    ctx.metrics().roomOpened(host.room().type());
                                    ctx.metrics().roomLoaded();
                                    if (claim.record().getEpoch() > 1) {
                                        log.info(
                                                "room {}: taken over at epoch {} with {} events",
                                                roomId,
                                                claim.record().getEpoch(),
                                                claim.record().getEventsCount());
                                    }
                                    queued.forEach(this::dispatch);
                                    settle(roomId);
                                }
                                case OWNED_ELSEWHERE -> queued.forEach(w -> redirect(w, claim.ownerNodeId()));
                                case ABSENT ->
                                    queued.forEach(w -> refuse(
                                            w,
                                            ErrorCode.NOT_IN_ROOM,
                                            "no room '" + roomId + "' (join it with a game_type to create it)"));
                            }
                        },
                        ctx.executor());
    }

    private void serve(RoomHost host, Work work) {
        if (work.rejoin() != null) {
            Rejoin rejoin = work.rejoin();
            List<Long> unknown = host.rejoin(work.link(), rejoin.getSessionsList());
            work.link()
                    .rejoinResult(RejoinResult.newBuilder()
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
            work.link()
                    .redirect(
                            work.roomId(),
                            owner,
                            work.request().toBuilder()
                                    .setHops(work.request().getHops() + 1)
                                    .build());
        } else {
            work.link()
                    .rejoinResult(RejoinResult.newBuilder()
                            .setRoomId(work.roomId())
                            .setOk(false)
                            .setOwnerNodeId(owner)
                            .setRejoin(work.rejoin().toBuilder()
                                    .setHops(work.rejoin().getHops() + 1))
                            .build());
        }
    }

    private void refuse(Work work, ErrorCode code, String message) {
        if (work.request() != null) {
            ctx.metrics().errorSent(code);
            work.link()
                    .reply(
                            work.request().getSessionId(),
                            ServerMessage.newBuilder()
                                    .setRequestId(work.request().getMessage().getRequestId())
                                    .setError(Error.newBuilder()
                                            .setCode(code)
                                            .setMessage(message)
                                            .setRoomId(work.roomId()))
                                    .build(),
                            "",
                            "",
                            0);
        } else {
            work.link()
                    .rejoinResult(RejoinResult.newBuilder()
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
        if (!(rooms.get(roomId) instanceof HandingOff handingOff)) {
            return;
        }
        Handoff handoff = handingOff.handoff();
        RoomHost host = handingOff.room().host();
        if (handoff.transferring || !handoff.awaiting.isEmpty()) {
            return;
        }
        if (!host.isFlushed()) {
            // Events still on their way to the store: they must be stored (and delivered) before the move.
            host.flushed().whenCompleteAsync((done, failure) -> maybeTransfer(roomId), ctx.executor());
            return;
        }
        handoff.transferring = true;
        handingOff.room().stopTicker(); // the last snapshot below must be the state the successor starts from
        CompletionStage<Boolean> saved =
                host.replicatesSnapshots() ? host.snapshot() : CompletableFuture.completedFuture(true);
        saved.thenCompose(ok -> ok
                        ? ctx.store().transfer(roomId, host.epoch(), handoff.successor)
                        : CompletableFuture.completedFuture(false))
                .whenCompleteAsync(
                        (ok, failure) -> {
                            if (failure == null && Boolean.TRUE.equals(ok)) {
                                if (rooms.get(roomId) != handingOff) {
                                    return; // lost meanwhile (a late append refused): forget() has ended the handoff
                                    // already
                                }
                                Set<GatewayLink> links = new LinkedHashSet<>(handoff.told);
                                links.addAll(host.links());
                                dispose(roomId, NodeMetrics.Unload.MOVED);
                                moved(roomId, handoff.successor);
                                links.forEach(link -> link.handoffDone(roomId, handoff.successor));
                                finishHandoff(handoff, true);
                            } else {
                                log.warn(
                                        "room {}: transfer to {} refused ({}); the room was taken over",
                                        roomId,
                                        handoff.successor,
                                        failure != null ? failure.toString() : "stale epoch");
                                host.lose(); // ends the handoff too
                            }
                        },
                        ctx.executor());
    }

    /** The handoff is over (the room is MOVED, or gone from here): its held requests follow. */
    private void finishHandoff(Handoff handoff, boolean moved) {
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

    private void moved(String roomId, String successor) {
        rooms.put(roomId, new Moved(successor));
        movedOrder.addLast(roomId);
        if (movedOrder.size() > MOVED_MEMORY) {
            String eldest = movedOrder.pollFirst();
            if (rooms.get(eldest) instanceof Moved) {
                rooms.remove(eldest);
            }
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * The room was lost to another node. Its unanswered requests are answered here and now, ahead of
     * anything that arrives later: those the store never took are dispatched again, which (the room
     * gone from here) asks the directory and redirects them to the owner; those it may have kept
     * cannot be retried for the client. A handoff under way ends, and the requests it held follow.
     */
    private void forget(String roomId, RoomHost.Unanswered unanswered) {
        Handoff handoff = rooms.get(roomId) instanceof HandingOff handingOff ? handingOff.handoff() : null;
        dispose(roomId, NodeMetrics.Unload.LOST);
        for (RoomHost.Request r : unanswered.inDoubt()) {
            refuse(
                    new Work(r.link(), r.request(), null),
                    ErrorCode.OUTCOME_UNKNOWN,
                    "room '" + roomId
                            + "' moved to another node while this request was being stored; it may have been applied:"
                            + " if it was, its event reaches you in the room's catch-up, so check before retrying");
        }
        for (RoomHost.Request r : unanswered.notStored()) {
            dispatch(new Work(r.link(), r.request(), null));
        }
        if (handoff != null) {
            finishHandoff(handoff, false);
        }
    }

    /**
     * After a room's participants may have changed: it ticks only while someone is in it (an empty
     * arena would wake this thread 30 times a second for nobody), and leaves memory when it stays
     * empty: after the idle time, or, finished, once its finished grace is over (counted from the
     * game's end, so late spectators can still see it). One idle timer at most, armed when the room
     * is found empty and cancelled when someone is in it again: a timer from an earlier empty spell
     * must not unload it early. A room with anyone in it (a seat kept for a reconnect counts) is never
     * unloaded; the leave that ends a reconnect grace settles the room like any other.
     */
    private void settle(String roomId) {
        RoomPhase phase = rooms.get(roomId);
        LiveRoom room = phase == null ? null : phase.served();
        if (room == null) {
            return;
        }
        RoomHost host = room.host();
        if (host.tickInterval() != null) {
            if (room.ticker() == null && !host.isEmpty()) {
                room.startTicker(new Ticker(
                        roomId, ctx.executor(), host.tickInterval(), host.tickStats(), index -> host.tick()));
            } else if (room.ticker() != null && host.isEmpty()) {
                room.stopTicker();
            }
        }
        if (!(phase instanceof Live)) {
            return; // a room handing off leaves by its handoff, never for being idle
        }
        if (host.finished() && room.finishing() == null) {
            // Once the game's end is stored, the cluster learns it is over: should this node die
            // before the room leaves memory, the archive takes it from its record.
            long epoch = host.epoch();
            room.finishing(host.flushed().thenCompose(stored -> ctx.archive().finishing(roomId, epoch)));
        }
        if (!host.isEmpty()) {
            room.cancelIdleTimer();
        } else if (!room.hasIdleTimer()) {
            long delayMs = ctx.idleRoomTtl().toMillis();
            if (host.finished()) {
                long graceLeft = host.finishedAtMs() + ctx.finishedGrace().toMillis() - System.currentTimeMillis();
                delayMs = Math.max(0, Math.min(delayMs, graceLeft));
            }
            armUnload(roomId, room, delayMs);
        }
    }

    private void armUnload(String roomId, LiveRoom room, long delayMs) {
        room.armIdleTimer(ctx.executor()
                .schedule(
                        () -> {
                            room.cancelIdleTimer(); // fired: forget it, so the next empty spell arms a new one
                            unloadIfIdle(roomId, room);
                        },
                        delayMs,
                        TimeUnit.MILLISECONDS));
    }

    /** Whether the room is still live here, empty and with no newer idle timer. */
    private boolean stillIdle(String roomId, LiveRoom room) {
        return rooms.get(roomId) instanceof Live live
                && live.room() == room
                && room.host().isEmpty()
                && !room.hasIdleTimer();
    }

    /**
     * Unloads a room that is still idle, once its events are stored. A finished game (or an arena,
     * whose round ends when it empties) goes to the archive's backlog first, with a last snapshot for
     * a snapshot room, and leaves memory only once the backlog has it; an unfinished game just leaves
     * memory, and its record waits in the cluster for the next join.
     */
    private void unloadIfIdle(String roomId, LiveRoom room) {
        if (!stillIdle(roomId, room)) {
            return;
        }
        RoomHost host = room.host();
        if (!host.isFlushed()) {
            host.flushed().whenCompleteAsync((done, failure) -> unloadIfIdle(roomId, room), ctx.executor());
            return;
        }
        if (!host.finished() && !host.room().endsWhenEmpty()) {
            dispose(roomId, NodeMetrics.Unload.IDLE);
            return;
        }
        CompletionStage<Boolean> saved =
                host.replicatesSnapshots() ? host.snapshot() : CompletableFuture.completedFuture(true);
        CompletionStage<Void> told =
                room.finishing() != null ? room.finishing() : CompletableFuture.completedFuture(null);
        told.thenCompose(t -> saved)
                .thenCompose(ok -> Boolean.TRUE.equals(ok)
                        ? ctx.archive().finished(roomId, host.epoch())
                        : CompletableFuture.completedFuture(false))
                .whenCompleteAsync(
                        (queued, failure) -> {
                            if (!stillIdle(roomId, room)) {
                                return; // someone came back (it plays on, and is offered again when it empties) or it
                                // left
                            }
                            if (failure == null && Boolean.TRUE.equals(queued)) {
                                dispose(roomId, NodeMetrics.Unload.ARCHIVED);
                            } else {
                                log.warn(
                                        "room {}: the archive's backlog did not take it ({}); it stays here and is offered again in {} s",
                                        roomId,
                                        failure != null ? failure.toString() : "full",
                                        ARCHIVE_RETRY.toSeconds());
                                armUnload(roomId, room, ARCHIVE_RETRY.toMillis());
                            }
                        },
                        ctx.executor());
    }

    /** Forgets a room this node serves here (its record stays in the store): no ticks, no timers. */
    private void dispose(String roomId, NodeMetrics.Unload why) {
        RoomPhase phase = rooms.get(roomId);
        LiveRoom room = phase == null ? null : phase.served();
        if (room == null) {
            return;
        }
        rooms.remove(roomId);
        room.stop();
        RoomHost host = room.host();
        host.close();
        roomCount.decrementAndGet();
        ctx.metrics().roomClosed(host.room().type());
        ctx.metrics().roomUnloaded(why);
        if (host.tickStats() != null) {
            log.info(
                    "room {} ({}) leaves this node; its ticks: {}",
                    roomId,
                    host.room().type(),
                    host.tickStats().summary());
        }
    }

    void onClear() {
        liveRooms().forEach(roomId -> dispose(roomId, NodeMetrics.Unload.STOPPED));
    }

    /** The room this node serves here under {@code roomId}, handing off or not; null if none. */
    private LiveRoom served(String roomId) {
        RoomPhase phase = rooms.get(roomId);
        return phase == null ? null : phase.served();
    }

    /** The room's phase here, or null if this stripe does not know it; for tests. */
    RoomPhase phaseOf(String roomId) {
        assert ctx.executor().inEventLoop();
        return rooms.get(roomId);
    }

    /** The running ticker of a room, or null; for tests. */
    Ticker tickerOf(String roomId) {
        assert ctx.executor().inEventLoop();
        LiveRoom room = served(roomId);
        return room == null ? null : room.ticker();
    }
}
