package roomgate.loadtest.bench;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import roomgate.client.RoomgateClient;
import roomgate.loadtest.measure.ClientDispatch;
import roomgate.loadtest.measure.RoomDirectory;
import roomgate.loadtest.measure.RoomWatch;
import roomgate.loadtest.measure.RunStats;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.LeaveRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * One table of the benchmark: a fixed group of connections (white, black, spectators) that plays
 * game after game, each in a fresh room named after the slot's routing key, so that a proxy
 * hashing the connection URL sends all of them to the room's node. Moves are due either on a
 * fixed schedule ({@link #due}, open loop) or as soon as the mover has seen the previous move
 * (closed loop); in both, a move waits until its mover has seen the move before it, and its
 * latency counts from when it was due. Driven from the pacer thread and the clients' event loops,
 * so its methods are synchronized.
 */
final class Slot {
    /** A connection of this slot and its listener. */
    record Member(RoomgateClient client, ClientDispatch dispatch) {}

    private final String key;
    private final List<Member> members;
    private final RoomDirectory rooms;
    private final Supplier<RunStats> stats;
    private final GameSource games;
    private final Supplier<String> requestIds;
    private final ArrayDeque<Long> due = new ArrayDeque<>();

    private String roomPrefix;
    private RoomWatch watch;
    private List<String> game;
    private int ply;
    private int generation;
    private boolean closedLoop;
    private boolean rotating;
    private boolean waiting;
    private boolean stopped = true;

    Slot(String key, List<Member> members, RoomDirectory rooms, Supplier<RunStats> stats, GameSource games,
            Supplier<String> requestIds) {
        this.key = key;
        this.members = members;
        this.rooms = rooms;
        this.stats = stats;
        this.games = games;
        this.requestIds = requestIds;
    }

    String key() {
        return key;
    }

    /** Seats every member in a fresh room for phase {@code phase}; the future completes when all are seated. */
    synchronized CompletableFuture<Void> start(String phase, boolean closedLoop) {
        this.roomPrefix = key + "." + phase;
        this.closedLoop = closedLoop;
        this.generation = 0;
        this.stopped = false;
        this.due.clear();
        return seat();
    }

    private CompletableFuture<Void> seat() {
        rotating = true;
        waiting = false;
        ply = 0;
        game = games.next();
        String roomId = roomPrefix + "g" + generation;
        watch = rooms.add(new RoomWatch(roomId, stats, false));
        RoomWatch seated = watch;
        List<CompletableFuture<ServerMessage>> joins = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            String requestId = requestIds.get();
            joins.add(m.dispatch().expect(requestId));
            send(m, ClientMessage.newBuilder().setRequestId(requestId).setJoin(JoinRoom.newBuilder()
                    .setRoomId(roomId).setGameType(GameType.CHESS)
                    .setRole(i < 2 ? Role.PLAYER : Role.SPECTATOR)
                    .setSide(i == 0 ? Side.WHITE : i == 1 ? Side.BLACK : Side.SIDE_UNSPECIFIED)).build());
        }
        return CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).thenRun(() -> {
            boolean allJoined = joins.stream().allMatch(f -> f.join().hasJoined());
            synchronized (this) {
                if (watch != seated) {
                    return;
                }
                rotating = false;
                if (!allJoined) {
                    stopped = true;
                    return;
                }
                if (closedLoop) {
                    due.add(System.nanoTime());
                }
                trySend();
            }
        });
    }

    /** Open loop: a move is due now (its intended send time). */
    synchronized void tick(long intendedNanos) {
        if (stopped) {
            return;
        }
        due.add(intendedNanos);
        trySend();
    }

    private void trySend() {
        while (!stopped && !rotating && !waiting && !due.isEmpty()) {
            Member mover = members.get(ply % 2);
            int seen = watch.movesSeenBy(mover.dispatch().participant());
            if (seen < ply) {
                // Wait for the move before this one to reach the mover: sending now would be out of turn.
                waiting = true;
                RoomWatch current = watch;
                watch.whenSeen(mover.dispatch().participant(), ply, () -> resume(current));
                return;
            }
            long intended = due.poll();
            String requestId = requestIds.get();
            watch.moveSent(requestId, intended);
            stats.get().moveSent();
            send(mover, ClientMessage.newBuilder().setRequestId(requestId)
                    .setMove(ChessMove.newBuilder().setRoomId(watch.roomId()).setUci(game.get(ply))).build());
            ply++;
            if (ply == game.size()) {
                rotate();
                return;
            }
            if (closedLoop) {
                // The next mover moves the moment it sees this move: that moment is when it is due.
                Member next = members.get(ply % 2);
                waiting = true;
                RoomWatch current = watch;
                watch.whenSeen(next.dispatch().participant(), ply, () -> {
                    synchronized (this) {
                        due.add(System.nanoTime());
                    }
                    resume(current);
                });
                return;
            }
        }
    }

    private synchronized void resume(RoomWatch from) {
        if (watch != from) {
            return;
        }
        waiting = false;
        trySend();
    }

    /** The game is over: everyone leaves and the slot starts the next game in a new room. */
    private void rotate() {
        String old = watch.roomId();
        for (Member m : members) {
            send(m, ClientMessage.newBuilder().setLeave(LeaveRoom.newBuilder().setRoomId(old)).build());
        }
        rooms.remove(old);
        generation++;
        seat();
    }

    /** No more moves; whatever is due is dropped. */
    synchronized void stop() {
        stopped = true;
        due.clear();
    }

    /** Moves still on their way to some participant. */
    synchronized int incompleteMoves() {
        return watch == null ? 0 : watch.incompleteMoves();
    }

    /** Everyone leaves the current room, so that nodes can drop it. */
    synchronized void leave() {
        if (watch != null) {
            for (Member m : members) {
                send(m, ClientMessage.newBuilder().setLeave(LeaveRoom.newBuilder().setRoomId(watch.roomId())).build());
            }
            rooms.remove(watch.roomId());
            watch = null;
        }
    }

    private void send(Member m, ClientMessage message) {
        stats.get().sent();
        m.client().send(message);
    }
}
