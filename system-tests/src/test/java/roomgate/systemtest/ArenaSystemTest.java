package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import roomgate.client.RoomgateClient;
import roomgate.client.RoomgateClient.Encoding;
import roomgate.protocol.v1.ArenaInput;
import roomgate.protocol.v1.ArenaPlayer;
import roomgate.protocol.v1.ArenaState;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Joined;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.Seat;
import roomgate.protocol.v1.ServerMessage;

/**
 * Arenas end to end: three game nodes and a gateway, each its own JVM, and 210 real WebSocket
 * clients in 50 arenas. Every participant receives its arena's state about 30 times a second, in
 * order, and every player's input moves its own disc; spectators cannot move and a 17th player is
 * turned away.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArenaSystemTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int ROOMS = 50;
    private static final int PLAYERS = 4;
    /** Every fifth arena also has a spectator (speaking JSON, so the text path carries ticks too). */
    private static final int SPECTATOR_EVERY = 5;

    private static final Duration WINDOW = Duration.ofSeconds(3);
    private static final double HZ = 30;
    /** Each player of an arena pushes its own way: right, left, up, down. */
    private static final float[][] DIRECTIONS = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};

    private LocalCluster cluster;
    private final List<RoomgateClient> clients = new ArrayList<>();
    private final String run = UUID.randomUUID().toString().substring(0, 6);

    @BeforeAll
    void startCluster() throws Exception {
        cluster = LocalCluster.start("arena", 3, 1);
    }

    @AfterAll
    void stopCluster() {
        clients.forEach(RoomgateClient::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * What one client saw of one arena, checked as it arrives on the client's event loop so that
     * nothing needs to be kept: order violations, the tick count, its own disc in the latest tick,
     * and how far behind the 30 Hz grid the node's ticks were stamped.
     */
    private static final class Watch implements Consumer<ServerMessage> {
        final String roomId;
        private String participantId;
        private long lastSequence = -1;
        private long lastTick = -1;
        private long ticks;
        private String violation;
        private ArenaPlayer me;
        private ArenaPlayer start;
        /** server_time_ms minus tick * period: constant if every tick is stamped on the grid. */
        private double minOffsetMs = Double.MAX_VALUE;

        private double maxOffsetMs = -Double.MAX_VALUE;
        private long maxDeliveryMs;
        private long totalDeliveryMs;
        private long deliveries;

        Watch(String roomId) {
            this.roomId = roomId;
        }

        @Override
        public synchronized void accept(ServerMessage message) {
            if (message.hasJoined() && message.getJoined().getRoomId().equals(roomId)) {
                Joined joined = message.getJoined();
                participantId = joined.getParticipantId();
                lastSequence = joined.getLastSequence();
                start = find(joined.getState().getArena());
            } else if (message.hasEvent() && message.getEvent().getRoomId().equals(roomId)) {
                RoomEvent event = message.getEvent();
                if (lastSequence < 0 || event.getSequence() != lastSequence + 1) {
                    violate("sequence " + event.getSequence() + " after " + lastSequence);
                }
                lastSequence = event.getSequence();
                if (event.hasArenaTick()) {
                    long tick = event.getArenaTick().getTick();
                    if (tick <= lastTick) {
                        violate("tick " + tick + " after " + lastTick);
                    }
                    lastTick = tick;
                    ticks++;
                    me = find(event.getArenaTick());
                    double offset = event.getServerTimeMs() - tick * 1000 / HZ;
                    minOffsetMs = Math.min(minOffsetMs, offset);
                    maxOffsetMs = Math.max(maxOffsetMs, offset);
                    long delivery = System.currentTimeMillis() - event.getServerTimeMs();
                    maxDeliveryMs = Math.max(maxDeliveryMs, delivery);
                    totalDeliveryMs += delivery;
                    deliveries++;
                }
            }
        }

        private ArenaPlayer find(ArenaState state) {
            for (ArenaPlayer p : state.getPlayersList()) {
                if (p.getParticipantId().equals(participantId)) {
                    return p;
                }
            }
            return null;
        }

        private void violate(String what) {
            if (violation == null) {
                violation = what;
            }
        }

        synchronized long ticks() {
            return ticks;
        }

        /** Forgets the timing figures so far (joins and warm-up), keeping the order checks. */
        synchronized void restartTiming() {
            minOffsetMs = Double.MAX_VALUE;
            maxOffsetMs = -Double.MAX_VALUE;
            maxDeliveryMs = 0;
            totalDeliveryMs = 0;
            deliveries = 0;
        }

        synchronized String violation() {
            return violation;
        }

        synchronized ArenaPlayer me() {
            return me;
        }

        synchronized ArenaPlayer start() {
            return start;
        }

        /** How much later than the earliest-stamped tick of the grid the latest-stamped one was. */
        synchronized double gridLagMs() {
            return maxOffsetMs - minOffsetMs;
        }

        synchronized long maxDeliveryMs() {
            return maxDeliveryMs;
        }

        synchronized long totalDeliveryMs() {
            return totalDeliveryMs;
        }

        synchronized long deliveries() {
            return deliveries;
        }
    }

    private record Seat4(RoomgateClient client, Watch watch, float[] direction) {}

    private RoomgateClient connect(Encoding encoding) throws Exception {
        RoomgateClient client = RoomgateClient.connect(cluster.websocket(0), encoding);
        clients.add(client);
        return client;
    }

    private static ClientMessage join(String roomId, Role role, String requestId) {
        return ClientMessage.newBuilder()
                .setRequestId(requestId)
                .setJoin(JoinRoom.newBuilder()
                        .setRoomId(roomId)
                        .setGameType(GameType.ARENA)
                        .setRole(role))
                .build();
    }

    private static ClientMessage input(String roomId, float x, float y, long sequence) {
        return ClientMessage.newBuilder()
                .setArenaInput(ArenaInput.newBuilder()
                        .setRoomId(roomId)
                        .setMoveX(x)
                        .setMoveY(y)
                        .setInputSequence(sequence))
                .build();
    }

    private static Joined awaitJoined(RoomgateClient client, String requestId) throws Exception {
        ServerMessage reply = client.await(m -> m.getRequestId().equals(requestId), TIMEOUT);
        assertThat(reply.hasJoined()).as("reply to %s: %s", requestId, reply).isTrue();
        return reply.getJoined();
    }

    private static ErrorCode errorOf(RoomgateClient client, ClientMessage message) throws Exception {
        ServerMessage reply = client.request(message, TIMEOUT);
        assertThat(reply.hasError()).as("reply to %s: %s", message, reply).isTrue();
        return reply.getError().getCode();
    }

    @Test
    void fiftyArenasTickAtThirtyHertzInOrderAndEveryPlayerMovesItsOwnDisc() throws Exception {
        long began = System.nanoTime();
        List<String> roomIds = new ArrayList<>();
        List<Seat4> players = new ArrayList<>();
        List<Seat4> spectators = new ArrayList<>();
        for (int r = 0; r < ROOMS; r++) {
            roomIds.add("arena-" + run + "-" + r);
        }
        for (int r = 0; r < ROOMS; r++) {
            for (int p = 0; p < PLAYERS; p++) {
                Watch watch = new Watch(roomIds.get(r));
                RoomgateClient client = connect(Encoding.BINARY);
                client.onMessage(watch);
                players.add(new Seat4(client, watch, DIRECTIONS[p]));
            }
            if (r % SPECTATOR_EVERY == 0) {
                Watch watch = new Watch(roomIds.get(r));
                RoomgateClient client = connect(Encoding.JSON);
                client.onMessage(watch);
                spectators.add(new Seat4(client, watch, null));
            }
        }

        // Player p of every arena joins in round p, so each arena's join order (and spawn points) is fixed.
        Map<String, Integer> roomsPerNode = new TreeMap<>();
        for (int p = 0; p < PLAYERS; p++) {
            for (int r = 0; r < ROOMS; r++) {
                players.get(r * PLAYERS + p).client().send(join(roomIds.get(r), Role.PLAYER, "join-" + p));
            }
            for (int r = 0; r < ROOMS; r++) {
                Joined joined = awaitJoined(players.get(r * PLAYERS + p).client(), "join-" + p);
                assertThat(joined.getSeat()).isEqualTo(Seat.SEAT_PLAYER);
                assertThat(joined.getState().getArena().getPlayersCount()).isEqualTo(p + 1);
                if (p == 0) {
                    roomsPerNode.merge(joined.getOwnerNodeId(), 1, Integer::sum);
                }
            }
        }
        for (Seat4 s : spectators) {
            s.client().send(join(s.watch().roomId, Role.SPECTATOR, "watch"));
        }
        for (Seat4 s : spectators) {
            assertThat(awaitJoined(s.client(), "watch").getSeat()).isEqualTo(Seat.SEAT_SPECTATOR);
        }
        assertThat(roomsPerNode).as("arenas spread over the nodes").hasSize(3);
        List<Seat4> everyone = new ArrayList<>(players);
        everyone.addAll(spectators);
        double joinSeconds = (System.nanoTime() - began) / 1e9;

        // Push, and keep pushing through the window with fresh sequence numbers, as a client would.
        long sequence = 1;
        for (Seat4 s : players) {
            s.client().send(input(s.watch().roomId, s.direction()[0], s.direction()[1], sequence));
        }
        // The window opens once every player's first input has reached its arena (echoed in a tick).
        await().atMost(TIMEOUT)
                .until(() -> players.stream()
                        .allMatch(s -> s.watch().me() != null && s.watch().me().getLastInputSequence() == 1));
        long[] before = new long[everyone.size()];
        long windowStart = System.nanoTime();
        for (int i = 0; i < everyone.size(); i++) {
            before[i] = everyone.get(i).watch().ticks();
            everyone.get(i).watch().restartTiming();
        }
        long windowEnd = windowStart + WINDOW.toNanos();
        while (System.nanoTime() < windowEnd) {
            // Pacing: a fresh input from every player four times a second, through the measured window.
            Thread.sleep(Math.min(250, Math.max(1, (windowEnd - System.nanoTime()) / 1_000_000)));
            sequence++;
            for (Seat4 s : players) {
                s.client().send(input(s.watch().roomId, s.direction()[0], s.direction()[1], sequence));
            }
        }
        double[] rates = new double[everyone.size()];
        double seconds = (System.nanoTime() - windowStart) / 1e9;
        for (int i = 0; i < everyone.size(); i++) {
            rates[i] = (everyone.get(i).watch().ticks() - before[i]) / seconds;
        }

        double[] sorted = rates.clone();
        java.util.Arrays.sort(sorted);
        double gridLag =
                everyone.stream().mapToDouble(s -> s.watch().gridLagMs()).max().orElseThrow();
        long maxDelivery = everyone.stream()
                .mapToLong(s -> s.watch().maxDeliveryMs())
                .max()
                .orElseThrow();
        double meanDelivery = everyone.stream()
                        .mapToLong(s -> s.watch().totalDeliveryMs())
                        .sum()
                / (double) Math.max(
                        1,
                        everyone.stream().mapToLong(s -> s.watch().deliveries()).sum());
        System.out.printf(
                Locale.ROOT,
                "arena: %d arenas on %s, %d clients (%d spectators) joined in %.1f s; over %.2f s: "
                        + "ticks/s per client min %.1f median %.1f max %.1f; tick stamps at most %.0f ms behind the "
                        + "earliest on the 30 Hz grid of their arena; delivery (stamp to client) mean %.1f ms, max %d ms%n",
                ROOMS,
                roomsPerNode,
                everyone.size(),
                spectators.size(),
                joinSeconds,
                seconds,
                sorted[0],
                sorted[sorted.length / 2],
                sorted[sorted.length - 1],
                gridLag,
                meanDelivery,
                maxDelivery);
        for (int i = 0; i < everyone.size(); i++) {
            assertThat(rates[i])
                    .as("ticks/s seen by client %d of %s", i, everyone.get(i).watch().roomId)
                    .isGreaterThanOrEqualTo(0.8 * HZ);
        }

        // Every input took effect: the latest one is echoed and each disc went its player's way.
        long last = sequence;
        await().atMost(TIMEOUT)
                .until(() -> players.stream()
                        .allMatch(s -> s.watch().me() != null && s.watch().me().getLastInputSequence() == last));
        for (Seat4 s : players) {
            ArenaPlayer from = s.watch().start();
            ArenaPlayer to = s.watch().me();
            float along = (to.getX() - from.getX()) * s.direction()[0] + (to.getY() - from.getY()) * s.direction()[1];
            assertThat(along)
                    .as(
                            "%s moved along (%s, %s) from (%s, %s) to (%s, %s)",
                            to.getParticipantId(),
                            s.direction()[0],
                            s.direction()[1],
                            from.getX(),
                            from.getY(),
                            to.getX(),
                            to.getY())
                    .isGreaterThan(5f);
        }
        for (Seat4 s : everyone) {
            assertThat(s.watch().violation())
                    .as("order seen in %s", s.watch().roomId)
                    .isNull();
            assertThat(s.watch().ticks()).isPositive();
        }

        // Refusals, each answered without disturbing the arena.
        Seat4 watcher = spectators.get(0);
        assertThat(errorOf(watcher.client(), input(watcher.watch().roomId, 1, 0, 1)))
                .isEqualTo(ErrorCode.SPECTATOR_CANNOT_MOVE);
        Seat4 player = players.get(0);
        ServerMessage nan = player.client().request(input(player.watch().roomId, Float.NaN, 0, last + 1), TIMEOUT);
        assertThat(nan.getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(nan.getError().getMessage()).contains("move_x");
        assertThat(errorOf(
                        player.client(),
                        ClientMessage.newBuilder()
                                .setMove(ChessMove.newBuilder()
                                        .setRoomId(player.watch().roomId)
                                        .setUci("e2e4"))
                                .build()))
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(errorOf(player.client(), input("nowhere-" + run, 1, 0, 1))).isEqualTo(ErrorCode.NOT_IN_ROOM);

        // Sixteen players fill an arena; the seventeenth is turned away, a spectator is not.
        String full = "full-" + run;
        for (int i = 0; i < 16; i++) {
            players.get(i).client().send(join(full, Role.PLAYER, "fill"));
        }
        for (int i = 0; i < 16; i++) {
            assertThat(awaitJoined(players.get(i).client(), "fill").getSeat()).isEqualTo(Seat.SEAT_PLAYER);
        }
        assertThat(errorOf(players.get(16).client(), join(full, Role.PLAYER, "")))
                .isEqualTo(ErrorCode.ROOM_FULL);
        assertThat(players.get(16)
                        .client()
                        .request(join(full, Role.SPECTATOR, ""), TIMEOUT)
                        .getJoined()
                        .getSeat())
                .isEqualTo(Seat.SEAT_SPECTATOR);
        System.out.printf(Locale.ROOT, "arena: whole test %.1f s%n", (System.nanoTime() - began) / 1e9);
    }
}
