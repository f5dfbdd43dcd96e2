package roomgate.node.registry;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.node.room.ChatHistory;
import roomgate.node.room.Participant;
import roomgate.node.room.Room;
import roomgate.node.room.RoomException;
import roomgate.node.room.types.RoomTypes;
import roomgate.node.tick.TickStats;
import roomgate.protocol.link.v1.RejoinSession;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.store.v1.RoomRecord;
import roomgate.protocol.v1.ChatMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Joined;
import roomgate.protocol.v1.Left;
import roomgate.protocol.v1.ParticipantJoined;
import roomgate.protocol.v1.ParticipantLeft;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.RoomState;
import roomgate.protocol.v1.ServerMessage;

/**
 * One live room on this node: the game ({@link Room}) plus everything every room has —
 * participants and their sessions, the chat history, the per-room event sequence, the replicated
 * log — and delivery of its events, once per gateway link. Only its stripe's thread calls it.
 *
 * <p>An event is applied at once, so the next request is judged against it, but nobody hears of it
 * until the store has it (the append completes with the synchronous backup done): only then is it
 * broadcast, in sequence order. A room has at most one append in flight; events applied meanwhile
 * go to the store together in the next one (group commit), so a busy room costs one store round
 * trip per batch rather than per event, and its appends reach the store in order. If the store
 * refuses an append, another node owns the room now; this one drops it, and the events it never
 * confirmed were never acknowledged to anyone. The requests behind them are handed back
 * ({@link Unanswered}), so that each still gets an answer: from the new owner, or, when the store
 * may have kept its event after all, {@code OUTCOME_UNKNOWN}.
 */
final class RoomHost {
    private static final Logger log = LoggerFactory.getLogger(RoomHost.class);
    static final int CHAT_HISTORY = ChatHistory.SHOWN;
    static final int MAX_CHAT_CHARS = 500;

    /** A participant and, while connected, the session it is reached through. */
    private static final class Slot {
        Participant participant;
        SessionKey session;
        ScheduledFuture<?> graceTimer;
    }

    /** A client request and the link it came over. */
    record Request(GatewayLink link, SessionRequest request) {}

    /**
     * The requests whose events a lost room never delivered. {@code notStored}: the store never
     * took their events (never sent, or refused by the epoch), so the room's new owner may apply
     * them. {@code inDoubt}: their append failed without an answer and may have been kept.
     */
    record Unanswered(List<Request> notStored, List<Request> inDoubt) {}

    /** An applied event waiting for the store; delivered in order once it and all before it are stored. */
    private static final class Pending {
        final RoomEvent event;
        final Set<GatewayLink> targets;
        /** The request that caused it, or null (ticks, a seat given up after the grace period). */
        final Request cause;
        /** Whether the event, broadcast, answers its cause (it names the request_id to its sender). */
        final boolean answersCause;

        final Runnable before;
        final boolean logged;
        /** Runs after the broadcast; set once the event is numbered (a Joined names its sequence). */
        Runnable after;

        boolean stored;

        Pending(RoomEvent event, Commit commit) {
            this.event = event;
            this.targets = new LinkedHashSet<>(commit.targets());
            this.cause = commit.cause();
            this.answersCause = commit.answersCause();
            this.before = commit.before();
            this.logged = commit.logged();
        }
    }

    private final String roomId;
    private final RoomContext ctx;
    private final Room room;
    private final long epoch;
    /** Snapshot rooms replicate their state every so often instead of logging each game event. */
    private final Duration snapshotInterval;

    private final Duration tickInterval;
    private final TickStats tickStats;
    private long lastSnapshotNanos = System.nanoTime();
    private final ChatHistory chat = new ChatHistory(CHAT_HISTORY);
    /** Logged events as delivered, for catching up sessions that rejoin. */
    private final CatchUpHistory history = new CatchUpHistory();

    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final Map<GatewayLink, Map<Long, Slot>> byLink = new LinkedHashMap<>();
    private final ArrayDeque<Pending> unstored = new ArrayDeque<>();
    /** Logged events applied but not yet sent to the store: the next append's batch. */
    private final List<Pending> unsent = new ArrayList<>();
    /** The batch the store has now, or null. */
    private List<Pending> appending;
    /** Completed when {@link #unstored} empties; null while nobody waits for that. */
    private CompletableFuture<Void> flush;

    private final Consumer<Unanswered> onLost;
    /**
     * Runs (on the stripe) after a participant left by itself, with no request behind it: its
     * reconnect grace ran out. The stripe then settles the room as after any leave: an emptied room
     * arms its idle timer, which it otherwise never would.
     */
    private final Runnable onSeatsChanged;
    /** The server time of the latest game event (a move, a draw claim): when a finished game ended. */
    private long lastGameEventMs;

    private long sequence;
    private boolean lost;

    private RoomHost(
            String roomId,
            RoomContext ctx,
            Room room,
            long epoch,
            Consumer<Unanswered> onLost,
            Runnable onSeatsChanged) {
        this.roomId = roomId;
        this.onSeatsChanged = onSeatsChanged;
        this.ctx = ctx;
        this.room = room;
        this.epoch = epoch;
        this.onLost = onLost;
        this.snapshotInterval = room.snapshotInterval();
        this.tickInterval = room.tickInterval();
        // A quarter period late leaves a tick three quarters of its budget: worth counting.
        this.tickStats = tickInterval == null
                ? null
                : new TickStats(tickInterval.dividedBy(4), ctx.metrics().tickMeters(room.type()));
    }

    /**
     * Rebuilds a room from its record: the game from its events, participants from their seat
     * changes (all disconnected until their gateways rejoin them), chat from its messages.
     * {@code onLost} runs once if another node takes the room, with the requests still to answer.
     */
    static RoomHost rebuild(RoomRecord record, RoomContext ctx, Consumer<Unanswered> onLost) {
        return rebuild(record, ctx, onLost, () -> {});
    }

    /** As {@link #rebuild(RoomRecord, RoomContext, Consumer)}; {@code onSeatsChanged} as in its field. */
    static RoomHost rebuild(RoomRecord record, RoomContext ctx, Consumer<Unanswered> onLost, Runnable onSeatsChanged) {
        Room room = record.hasSnapshot()
                ? RoomTypes.restore(record.getGameType(), record.getSnapshot())
                : RoomTypes.create(record.getGameType());
        RoomHost host = new RoomHost(record.getRoomId(), ctx, room, record.getEpoch(), onLost, onSeatsChanged);
        if (record.hasSnapshot()) {
            for (roomgate.protocol.v1.Participant p : record.getSnapshot().getParticipantsList()) {
                Slot slot = new Slot();
                slot.participant = Participant.fromProto(p);
                host.slots.put(p.getParticipantId(), slot);
            }
            record.getSnapshotChatList().forEach(host.chat::add);
            host.sequence = record.getSnapshotSequence();
        }
        // Where every event is logged, a gap in the stored sequence is chat the store dropped (it
        // keeps the latest ChatHistory.SHOWN): a session that saw less than the gap gets the whole state.
        boolean everyEventLogged = host.snapshotInterval == null && host.tickInterval == null;
        long previous = host.sequence;
        for (RoomEvent event : record.getEventsList()) {
            if (everyEventLogged && event.getSequence() > previous + 1) {
                host.history.missingThrough(event.getSequence() - 1);
            }
            host.replay(event);
            previous = event.getSequence();
        }
        host.slots.values().forEach(host::startGrace);
        return host;
    }

    private void replay(RoomEvent event) {
        switch (event.getBodyCase()) {
            case PARTICIPANT_JOINED -> {
                Slot slot = new Slot();
                slot.participant =
                        Participant.fromProto(event.getParticipantJoined().getParticipant());
                slots.put(slot.participant.participantId(), slot);
            }
            case PARTICIPANT_LEFT ->
                slots.remove(event.getParticipantLeft().getParticipant().getParticipantId());
            case CHAT -> chat.add(event.getChat());
            default -> {
                room.replay(event);
                lastGameEventMs = event.getServerTimeMs();
            }
        }
        history.add(event);
        sequence = event.getSequence();
    }

    long epoch() {
        return epoch;
    }

    Room room() {
        return room;
    }

    /** The room's tick period, or null if it does not tick. */
    Duration tickInterval() {
        return tickInterval;
    }

    /** How the room's ticks keep time, over its whole life; null if it does not tick. */
    TickStats tickStats() {
        return tickStats;
    }

    /** One tick of the game, broadcast to everyone in the room; snapshots are taken on the tick. */
    void tick() {
        if (lost) {
            return;
        }
        RoomEvent.Builder event = room.tick();
        if (event != null) {
            commit(Commit.of(event).to(links()).logged(false));
        }
        if (snapshotInterval != null && System.nanoTime() - lastSnapshotNanos >= snapshotInterval.toNanos()) {
            snapshot();
        }
    }

    boolean replicatesSnapshots() {
        return snapshotInterval != null;
    }

    /** Replicates the whole state now (snapshot rooms); completes with false if this node lost the room. */
    CompletionStage<Boolean> snapshot() {
        lastSnapshotNanos = System.nanoTime();
        return ctx.store()
                .snapshot(roomId, epoch, state(), sequence, chat.latest())
                .whenCompleteAsync(
                        (ok, failure) -> {
                            if (!lost && (failure != null || !Boolean.TRUE.equals(ok))) {
                                log.warn(
                                        "room {}: snapshot refused at epoch {}; another node owns it now, dropping it",
                                        roomId,
                                        epoch);
                                lose();
                            }
                        },
                        ctx.executor());
    }

    long lastSequence() {
        return sequence;
    }

    boolean isEmpty() {
        return slots.isEmpty();
    }

    /** The game is over (see {@link Room#finished()}). */
    boolean finished() {
        return room.finished();
    }

    /** When the game ended (server time, epoch ms); 0 while it is not finished. */
    long finishedAtMs() {
        return room.finished() ? lastGameEventMs : 0;
    }

    int connectedSessions() {
        int n = 0;
        for (Map<Long, Slot> sessions : byLink.values()) {
            n += sessions.size();
        }
        return n;
    }

    boolean isFlushed() {
        return unstored.isEmpty();
    }

    /**
     * Completes once every event applied so far is stored and delivered (at once if they are), or the
     * room is lost (nothing is pending then either). It completes on this room's thread in the middle
     * of a delivery: continue asynchronously, on the stripe's executor, and check again there, since
     * events applied meanwhile are pending anew.
     */
    CompletionStage<Void> flushed() {
        if (unstored.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (flush == null) {
            flush = new CompletableFuture<>();
        }
        return flush;
    }

    /** The links that have connected participants now. */
    Set<GatewayLink> links() {
        return new LinkedHashSet<>(byLink.keySet());
    }

    boolean hasLink(GatewayLink link) {
        return byLink.containsKey(link);
    }

    // ------------------------------------------------------------------ requests

    void join(SessionKey who, SessionRequest cause) {
        String participantId = cause.getParticipantId();
        JoinRoom request = cause.getMessage().getJoin();
        if (slotOf(who) != null) {
            throw new RoomException(ErrorCode.ALREADY_IN_ROOM, "already in room '" + roomId + "'");
        }
        if (request.getGameType() != room.type()) {
            throw new RoomException(
                    ErrorCode.GAME_TYPE_MISMATCH,
                    "room '" + roomId + "' is a " + room.type() + " room (asked: " + request.getGameType() + ")");
        }
        Slot held = slots.get(participantId);
        if (held != null) {
            takeOver(held, who, cause);
            return;
        }
        List<Participant> present =
                slots.values().stream().map(s -> s.participant).toList();
        Participant joining = new Participant(participantId, request.getDisplayName(), room.seatFor(request, present));
        // The joiner is not among the targets: it learns of itself from Joined, sent after the event.
        Set<GatewayLink> targets = links();
        Slot slot = new Slot();
        slot.participant = joining;
        slots.put(participantId, slot);
        attach(slot, who);
        room.joined(joining);
        Pending pending = commit(Commit.of(RoomEvent.newBuilder()
                        .setParticipantJoined(ParticipantJoined.newBuilder().setParticipant(joining.toProto())))
                .to(targets)
                .causedBy(new Request(who.link(), cause)));
        RoomEvent event = pending.event;
        ServerMessage reply = ServerMessage.newBuilder()
                .setRequestId(cause.getMessage().getRequestId())
                .setJoined(joined(joining))
                .build();
        pending.after = () -> who.link().reply(who.sessionId(), reply, roomId, "", event.getSequence());
    }

    void leave(SessionKey who, SessionRequest cause) {
        Slot slot = slotOf(who);
        if (slot == null) {
            throw notIn();
        }
        detach(slot);
        slots.remove(slot.participant.participantId());
        room.left(slot.participant);
        // The leaver is told first, so it is unseated before the broadcast reaches its link.
        commit(Commit.of(RoomEvent.newBuilder()
                        .setParticipantLeft(ParticipantLeft.newBuilder().setParticipant(slot.participant.toProto())))
                .to(links())
                .causedBy(new Request(who.link(), cause))
                .before(() -> who.link()
                        .reply(
                                who.sessionId(),
                                ServerMessage.newBuilder()
                                        .setRequestId(cause.getMessage().getRequestId())
                                        .setLeft(Left.newBuilder().setRoomId(roomId))
                                        .build(),
                                "",
                                roomId,
                                0)));
    }

    void chat(SessionKey who, SessionRequest cause) {
        String text = cause.getMessage().getChat().getText();
        Slot from = slotOf(who);
        if (from == null) {
            throw notIn();
        }
        if (room.finished()) {
            throw new RoomException(ErrorCode.GAME_OVER, "room '" + roomId + "' is finished and read-only");
        }
        if (text.isBlank() || text.length() > MAX_CHAT_CHARS) {
            throw new RoomException(
                    ErrorCode.INVALID_ARGUMENT,
                    "chat text: " + text.length() + " chars (expected: 1.." + MAX_CHAT_CHARS + ", not blank)");
        }
        ChatMessage message = ChatMessage.newBuilder()
                .setParticipantId(from.participant.participantId())
                .setDisplayName(from.participant.displayName())
                .setText(text)
                .setSentAtMs(System.currentTimeMillis())
                .build();
        chat.add(message);
        commit(Commit.of(RoomEvent.newBuilder().setChat(message))
                .to(links())
                .answering(new Request(who.link(), cause)));
    }

    void game(SessionKey who, SessionRequest cause) {
        Slot from = slotOf(who);
        if (from == null) {
            throw notIn();
        }
        RoomEvent.Builder event = room.apply(from.participant, cause.getMessage());
        if (event != null) {
            lastGameEventMs = System.currentTimeMillis();
            event.setServerTimeMs(lastGameEventMs);
            commit(Commit.of(event)
                    .to(links())
                    .answering(new Request(who.link(), cause))
                    .logged(snapshotInterval == null));
        }
    }

    /**
     * A seat belongs to its participant (the player): the same player joining from another connection
     * or gateway gets its seat back, whatever it asked for, and the connection that had it is told and
     * unseated. The Joined goes out once the events applied before it are delivered, as after a rejoin.
     */
    private void takeOver(Slot slot, SessionKey who, SessionRequest cause) {
        unseat(slot, who);
        attach(slot, who);
        for (Pending p : unstored) {
            p.targets.add(who.link());
        }
        ServerMessage reply = ServerMessage.newBuilder()
                .setRequestId(cause.getMessage().getRequestId())
                .setJoined(joined(slot.participant))
                .build();
        long asOf = sequence;
        afterPending(() -> who.link().reply(who.sessionId(), reply, roomId, "", asOf));
    }

    /**
     * Detaches the session that holds {@code slot}, if it is not {@code next}, and tells it: an error
     * SEAT_TAKEN for the room, with the room left, so its gateway stops sending it the room's events.
     */
    private void unseat(Slot slot, SessionKey next) {
        SessionKey previous = slot.session;
        if (previous == null || previous.equals(next)) {
            return;
        }
        detach(slot);
        previous.link()
                .reply(
                        previous.sessionId(),
                        ServerMessage.newBuilder()
                                .setError(roomgate.protocol.v1.Error.newBuilder()
                                        .setCode(ErrorCode.SEAT_TAKEN)
                                        .setRoomId(roomId)
                                        .setMessage("your seat in room '" + roomId
                                                + "' was taken over by the same player from another connection"))
                                .build(),
                        "",
                        roomId,
                        0);
    }

    /** Runs {@code send} now, or after the broadcast of the last event not yet stored. */
    private void afterPending(Runnable send) {
        Pending last = unstored.peekLast();
        if (last == null) {
            send.run();
            return;
        }
        Runnable already = last.after;
        last.after = already == null
                ? send
                : () -> {
                    already.run();
                    send.run();
                };
    }

    /**
     * Seats sessions again after the room moved or their connection was lost: each is attached to
     * its participant, to be caught up ({@link #catchUp}) on what it missed since the last event it saw.
     *
     * @return the sessions whose participant this room does not know
     */
    List<Long> rejoin(GatewayLink link, List<RejoinSession> sessions) {
        List<Long> unknown = new ArrayList<>();
        for (RejoinSession s : sessions) {
            Slot slot = slots.get(s.getParticipantId());
            if (slot == null) {
                unknown.add(s.getSessionId());
                continue;
            }
            SessionKey key = new SessionKey(link, s.getSessionId());
            unseat(slot, key); // a resume from another connection: the one that had the seat is told
            detach(slot);
            attach(slot, key);
        }
        // Events applied but not yet stored will be broadcast later; make sure they reach this link.
        for (Pending p : unstored) {
            p.targets.add(link);
        }
        return unknown;
    }

    /**
     * Sends one rejoined session what it missed; call after the gateway has the RejoinResult. That is
     * the stored events after the last one it saw, while the {@link CatchUpHistory} window holds them
     * all; past that, the message a join gets: the whole state, as of the latest event applied.
     */
    void catchUp(GatewayLink link, RejoinSession s) {
        List<RoomEvent> missed = history.after(s.getLastSequence());
        if (missed != null) {
            for (RoomEvent event : missed) {
                link.reply(
                        s.getSessionId(),
                        ServerMessage.newBuilder().setEvent(event).build(),
                        roomId,
                        "",
                        event.getSequence());
            }
            return;
        }
        Slot slot = slots.get(s.getParticipantId());
        long asOf = sequence;
        ServerMessage state =
                ServerMessage.newBuilder().setJoined(joined(slot.participant)).build();
        // The state shows events not stored yet: like a join's, it goes out once they are (and
        // not at all if they never are), after their broadcast, which reaches this link too.
        afterPending(() -> link.reply(s.getSessionId(), state, roomId, "", asOf));
    }

    /** The session's connection is gone; its seat is kept for the grace period, for a resume. */
    void disconnected(SessionKey who) {
        Slot slot = slotOf(who);
        if (slot != null) {
            detach(slot);
            startGrace(slot);
        }
    }

    void linkClosed(GatewayLink link) {
        Map<Long, Slot> sessions = byLink.remove(link);
        if (sessions != null) {
            for (Slot slot : sessions.values()) {
                slot.session = null;
                startGrace(slot);
            }
        }
    }

    private void startGrace(Slot slot) {
        if (slot.graceTimer != null) {
            slot.graceTimer.cancel(false);
        }
        slot.graceTimer = ctx.executor()
                .schedule(
                        () -> {
                            if (!lost && slot.session == null && slots.get(slot.participant.participantId()) == slot) {
                                slots.remove(slot.participant.participantId());
                                room.left(slot.participant);
                                commit(Commit.of(RoomEvent.newBuilder()
                                                .setParticipantLeft(ParticipantLeft.newBuilder()
                                                        .setParticipant(slot.participant.toProto())))
                                        .to(links()));
                                onSeatsChanged.run();
                            }
                        },
                        ctx.reconnectGrace().toMillis(),
                        TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ events

    /**
     * Numbers an applied event and, if logged, appends it to the store; it is delivered when stored,
     * after every event before it. Unlogged events (ticks, snapshot rooms' game events) need no
     * store, but still wait for the events before them, so nobody sees them out of order.
     */
    private Pending commit(Commit commit) {
        RoomEvent.Builder builder = commit.event().setRoomId(roomId).setSequence(++sequence);
        if (builder.getServerTimeMs() == 0) {
            builder.setServerTimeMs(System.currentTimeMillis());
        }
        RoomEvent event = builder.build();
        Pending pending = new Pending(event, commit);
        unstored.addLast(pending);
        if (pending.logged) {
            unsent.add(pending);
            if (appending == null) {
                appendUnsent();
            }
        } else {
            pending.stored = true;
            deliverStored();
        }
        return pending;
    }

    private void appendUnsent() {
        List<Pending> batch = List.copyOf(unsent);
        unsent.clear();
        appending = batch;
        List<RoomEvent> events = new ArrayList<>(batch.size());
        batch.forEach(p -> events.add(p.event));
        ctx.store()
                .append(roomId, epoch, events)
                .whenCompleteAsync((ok, failure) -> onStored(batch, ok, failure), ctx.executor());
    }

    private void onStored(List<Pending> batch, Boolean ok, Throwable failure) {
        if (lost) {
            return;
        }
        if (failure != null) {
            // No answer: the store may have kept the batch, so it stays in doubt.
            log.warn(
                    "room {}: append at epoch {} failed ({}); this node may be cut off: dropping the room",
                    roomId,
                    epoch,
                    failure.toString());
            lose();
            return;
        }
        appending = null;
        if (!Boolean.TRUE.equals(ok)) {
            log.warn("room {}: store refused epoch {}; another node owns it: dropping the room", roomId, epoch);
            lose();
            return;
        }
        batch.forEach(p -> p.stored = true);
        deliverStored();
        if (!unsent.isEmpty()) {
            appendUnsent();
        }
    }

    private void deliverStored() {
        while (!unstored.isEmpty() && unstored.peekFirst().stored) {
            deliver(unstored.pollFirst());
        }
        if (unstored.isEmpty()) {
            completeFlush();
        }
    }

    private void completeFlush() {
        CompletableFuture<Void> waiting = flush;
        flush = null;
        if (waiting != null) {
            waiting.complete(null);
        }
    }

    private void deliver(Pending p) {
        if (p.logged) {
            // Only logged events are caught up on: a tick is superseded by the next one anyway.
            history.add(p.event);
        }
        if (p.before != null) {
            p.before.run();
        }
        ByteString bytes = ServerMessage.newBuilder().setEvent(p.event).build().toByteString();
        for (GatewayLink link : p.targets) {
            boolean isOrigin = p.answersCause && p.cause.link() == link;
            link.broadcast(
                    roomId,
                    bytes,
                    p.event.getSequence(),
                    isOrigin ? p.cause.request().getSessionId() : 0,
                    isOrigin ? p.cause.request().getMessage().getRequestId() : "");
        }
        if (p.after != null) {
            p.after.run();
        }
    }

    /**
     * Another node took the room: tell the gateways, forget everything, never write again, and hand
     * back the requests not yet answered. An append still in flight (none if the store just refused
     * it) may yet be kept, so its requests are in doubt.
     */
    void lose() {
        if (lost) {
            return;
        }
        lost = true;
        Set<GatewayLink> told = new HashSet<>(byLink.keySet());
        unstored.forEach(p -> told.addAll(p.targets));
        told.forEach(link -> link.roomLost(roomId));
        Set<Pending> inDoubt = appending == null ? Set.of() : new HashSet<>(appending);
        List<Request> notStored = new ArrayList<>();
        List<Request> doubtful = new ArrayList<>();
        for (Pending p : unstored) {
            if (p.cause != null) {
                (inDoubt.contains(p) ? doubtful : notStored).add(p.cause);
            }
        }
        unstored.clear();
        unsent.clear();
        completeFlush();
        slots.values().forEach(s -> {
            if (s.graceTimer != null) {
                s.graceTimer.cancel(false);
            }
        });
        onLost.accept(new Unanswered(notStored, doubtful));
    }

    /** Stops the room after a handoff: no timers, no deliveries. */
    void close() {
        lost = true;
        slots.values().forEach(s -> {
            if (s.graceTimer != null) {
                s.graceTimer.cancel(false);
            }
        });
    }

    // ------------------------------------------------------------------ helpers

    /** What a join is answered with: the room's whole state, as of the latest event applied. */
    private Joined joined(Participant participant) {
        return Joined.newBuilder()
                .setRoomId(roomId)
                .setGameType(room.type())
                .setOwnerNodeId(ctx.nodeId())
                .setParticipantId(participant.participantId())
                .setSeat(participant.seat())
                .setLastSequence(sequence)
                .setState(state())
                .addAllChatHistory(chat.latest())
                .setFinished(room.finished())
                .build();
    }

    private RoomState state() {
        RoomState.Builder state = RoomState.newBuilder();
        slots.values().forEach(s -> state.addParticipants(s.participant.toProto()));
        room.describe(state);
        return state.build();
    }

    private void attach(Slot slot, SessionKey who) {
        slot.session = who;
        if (slot.graceTimer != null) {
            slot.graceTimer.cancel(false);
            slot.graceTimer = null;
        }
        byLink.computeIfAbsent(who.link(), l -> new LinkedHashMap<>()).put(who.sessionId(), slot);
    }

    private void detach(Slot slot) {
        if (slot.session == null) {
            return;
        }
        Map<Long, Slot> sessions = byLink.get(slot.session.link());
        if (sessions != null && sessions.remove(slot.session.sessionId()) != null && sessions.isEmpty()) {
            byLink.remove(slot.session.link());
        }
        slot.session = null;
    }

    private Slot slotOf(SessionKey who) {
        Map<Long, Slot> sessions = byLink.get(who.link());
        return sessions == null ? null : sessions.get(who.sessionId());
    }

    private RoomException notIn() {
        return new RoomException(ErrorCode.NOT_IN_ROOM, "not in room '" + roomId + "' (join it first)");
    }
}
