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
import roomgate.loadtest.play.GameDriver;
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
 * hashing the connection URL sends all of them to the room's node. A {@link GameDriver} plays the
 * current game; while the slot moves to its next room, moves that fall due wait (their latency
 * still counts from when they were due). Synchronized: driven from the pacer and event loops.
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
    private final ArrayDeque<Long> dueWhileSeating = new ArrayDeque<>();

    private String roomPrefix;
    private GameDriver driver;
    private int generation;
    private boolean closedLoop;
    private boolean seating;
    private boolean stopped = true;

    Slot(
            String key,
            List<Member> members,
            RoomDirectory rooms,
            Supplier<RunStats> stats,
            GameSource games,
            Supplier<String> requestIds) {
        this.key = key;
        this.members = members;
        this.rooms = rooms;
        this.stats = stats;
        this.games = games;
        this.requestIds = requestIds;
    }

    int size() {
        return members.size();
    }

    /** Seats every member in a fresh room for phase {@code phase}; the future completes when all are seated. */
    synchronized CompletableFuture<Void> start(String phase, boolean closedLoop) {
        this.roomPrefix = key + "." + phase;
        this.closedLoop = closedLoop;
        this.generation = 0;
        this.stopped = false;
        this.dueWhileSeating.clear();
        return seat();
    }

    private CompletableFuture<Void> seat() {
        seating = true;
        String roomId = roomPrefix + "g" + generation;
        RoomWatch watch = rooms.add(new RoomWatch(roomId, stats, false));
        GameDriver next = new GameDriver(
                watch,
                new GameDriver.Player(
                        members.get(0).client(), members.get(0).dispatch().participant()),
                new GameDriver.Player(
                        members.get(1).client(), members.get(1).dispatch().participant()),
                games.next(),
                closedLoop,
                stats,
                requestIds,
                this::rotate);
        driver = next;
        List<CompletableFuture<ServerMessage>> joins = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            String requestId = requestIds.get();
            joins.add(m.dispatch().expect(requestId));
            send(
                    m,
                    ClientMessage.newBuilder()
                            .setRequestId(requestId)
                            .setJoin(JoinRoom.newBuilder()
                                    .setRoomId(roomId)
                                    .setGameType(GameType.CHESS)
                                    .setRole(i < 2 ? Role.PLAYER : Role.SPECTATOR)
                                    .setSide(i == 0 ? Side.WHITE : i == 1 ? Side.BLACK : Side.SIDE_UNSPECIFIED))
                            .build());
        }
        return CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)).thenRun(() -> {
            boolean allJoined = joins.stream().allMatch(f -> f.join().hasJoined());
            synchronized (this) {
                if (driver != next) {
                    return;
                }
                seating = false;
                if (!allJoined || stopped) {
                    next.stop();
                    return;
                }
                next.start();
                while (!dueWhileSeating.isEmpty()) {
                    next.due(dueWhileSeating.poll());
                }
            }
        });
    }

    /** Open loop: a move is due now (its intended send time). */
    synchronized void tick(long intendedNanos) {
        if (stopped) {
            return;
        }
        if (seating) {
            dueWhileSeating.add(intendedNanos);
        } else {
            driver.due(intendedNanos);
        }
    }

    /** The game's last move is out: everyone leaves and the slot starts the next game in a new room. */
    private synchronized void rotate() {
        if (stopped) {
            return;
        }
        String old = driver.watch().roomId();
        for (Member m : members) {
            send(
                    m,
                    ClientMessage.newBuilder()
                            .setLeave(LeaveRoom.newBuilder().setRoomId(old))
                            .build());
        }
        rooms.remove(old);
        generation++;
        seat();
    }

    /** No more moves; whatever is due is dropped. */
    synchronized void stop() {
        stopped = true;
        dueWhileSeating.clear();
        if (driver != null) {
            driver.stop();
        }
    }

    /** Moves still on their way to some participant. */
    synchronized int incompleteMoves() {
        return driver == null ? 0 : driver.watch().incompleteMoves();
    }

    /** Everyone leaves the current room, so that nodes can drop it. */
    synchronized void leave() {
        if (driver != null) {
            String room = driver.watch().roomId();
            for (Member m : members) {
                send(
                        m,
                        ClientMessage.newBuilder()
                                .setLeave(LeaveRoom.newBuilder().setRoomId(room))
                                .build());
            }
            rooms.remove(room);
            driver = null;
        }
    }

    private void send(Member m, ClientMessage message) {
        stats.get().sent();
        m.client().send(message);
    }
}
