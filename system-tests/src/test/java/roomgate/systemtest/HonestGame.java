package roomgate.systemtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import roomgate.client.RoomgateClient;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.LeaveRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * Two honest players in a chess room, moving as fast as they are answered (a knight shuffle, 12
 * plies a room before repetition would end the game, then a new room), timing each move from
 * request to its own event. Any move not answered with its event within 5 s breaks the game.
 */
final class HonestGame {
    private static final List<String> SHUFFLE = List.of("g1f3", "g8f6", "f3g1", "f6g8");
    private final RoomgateClient white;
    private final RoomgateClient black;
    private final String prefix;
    /** {end nanos, latency nanos} per acknowledged move. */
    private final List<long[]> samples = Collections.synchronizedList(new ArrayList<>());

    private final Thread thread = new Thread(this::play, "honest-game");
    private volatile boolean stopping;
    private volatile String broken;
    private volatile String roomId;

    HonestGame(RoomgateClient white, RoomgateClient black, String prefix) {
        this.white = white;
        this.black = black;
        this.prefix = prefix;
    }

    void start() throws Exception {
        roomId = prefix + "-0";
        join(roomId);
        thread.setDaemon(true);
        thread.start();
    }

    private void join(String room) throws Exception {
        for (var seat : List.of(new Object[] {white, Side.WHITE}, new Object[] {black, Side.BLACK})) {
            ServerMessage joined = ((RoomgateClient) seat[0])
                    .request(
                            ClientMessage.newBuilder()
                                    .setJoin(JoinRoom.newBuilder()
                                            .setRoomId(room)
                                            .setGameType(GameType.CHESS)
                                            .setRole(Role.PLAYER)
                                            .setSide((Side) seat[1]))
                                    .build(),
                            Duration.ofSeconds(10));
            if (!joined.hasJoined()) {
                throw new IllegalStateException("honest join of " + room + ": " + joined);
            }
        }
    }

    private void leave(String room) throws Exception {
        for (RoomgateClient player : List.of(white, black)) {
            ServerMessage left = player.request(
                    ClientMessage.newBuilder()
                            .setLeave(LeaveRoom.newBuilder().setRoomId(room))
                            .build(),
                    Duration.ofSeconds(10));
            if (!left.hasLeft()) {
                throw new IllegalStateException("honest leave of " + room + ": " + left);
            }
        }
    }

    private void play() {
        int room = 0;
        try {
            while (!stopping) {
                for (int ply = 0; ply < 12 && !stopping; ply++) {
                    RoomgateClient mover = ply % 2 == 0 ? white : black;
                    long start = System.nanoTime();
                    ServerMessage answer = mover.request(
                            ClientMessage.newBuilder()
                                    .setMove(ChessMove.newBuilder()
                                            .setRoomId(roomId)
                                            .setUci(SHUFFLE.get(ply % 4)))
                                    .build(),
                            Duration.ofSeconds(5));
                    long end = System.nanoTime();
                    if (!answer.hasEvent()) {
                        broken = "move " + ply + " in " + roomId + ": " + answer;
                        return;
                    }
                    samples.add(new long[] {end, end - start});
                    Thread.sleep(10);
                }
                String next = prefix + "-" + (++room);
                String previous = roomId;
                join(next);
                roomId = next;
                // As an honest client does: a connection may hold 32 rooms (--max-rooms-per-connection).
                leave(previous);
            }
        } catch (Exception e) {
            if (!stopping) {
                broken = e.toString();
            }
        }
    }

    String roomId() {
        return roomId;
    }

    String broken() {
        return broken;
    }

    int moves() {
        return samples.size();
    }

    long movesBetween(long from, long to) {
        synchronized (samples) {
            return samples.stream().filter(s -> s[0] >= from && s[0] <= to).count();
        }
    }

    double p99Millis(long from, long to) {
        long[] latencies;
        synchronized (samples) {
            latencies = samples.stream()
                    .filter(s -> s[0] >= from && s[0] <= to)
                    .mapToLong(s -> s[1])
                    .sorted()
                    .toArray();
        }
        if (latencies.length == 0) {
            return Double.NaN;
        }
        return latencies[Math.min(latencies.length - 1, (int) Math.ceil(latencies.length * 0.99) - 1)] / 1e6;
    }

    void stop() throws InterruptedException {
        stopping = true;
        thread.join(10_000);
        white.close();
        black.close();
    }
}
