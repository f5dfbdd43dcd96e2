package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static roomgate.systemtest.ChessMessages.join;
import static roomgate.systemtest.ChessMessages.move;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import roomgate.chess.ChessGame;
import roomgate.chess.pgn.PgnGame;
import roomgate.chess.pgn.PgnReader;
import roomgate.client.RoomgateClient;
import roomgate.client.RoomgateClient.CloseStatus;
import roomgate.client.RoomgateClient.Encoding;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;
import roomgate.protocol.admin.v1.NodeList;
import roomgate.protocol.admin.v1.NodeStatus;
import roomgate.protocol.v1.ChatMessage;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.GameStatus;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Joined;
import roomgate.protocol.v1.Ping;
import roomgate.protocol.v1.Resume;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.Seat;
import roomgate.protocol.v1.SendChat;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * The sticky-routing promise end to end: three game nodes and two gateways, each its own JVM, and
 * real WebSocket clients. Every participant of a room is served by the node the hash chose, sees
 * every move in the same order, and bad input is refused without harming anyone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StickyRoutingSystemTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int ROOMS = 30;
    private static final int PLIES_PER_ROOM = 12;
    /** Morphy vs. Duke Karl / Count Isouard, Paris 1858: a real game that ends in mate. */
    private static final List<String> OPERA_GAME = List.of(
            "e4", "e5", "Nf3", "d6", "d4", "Bg4", "dxe5", "Bxf3", "Qxf3", "dxe5", "Bc4", "Nf6", "Qb3", "Qe7", "Nc3",
            "c6", "Bg5", "b5", "Nxb5", "cxb5", "Bxb5+", "Nbd7", "O-O-O", "Rd8", "Rxd7", "Rxd7", "Rd1", "Qe6", "Bxd7+",
            "Nxd7", "Qb8+", "Nxb8", "Rd8#");

    private LocalCluster cluster;
    private final List<RoomgateClient> clients = new ArrayList<>();
    private final String run = UUID.randomUUID().toString().substring(0, 6);

    @BeforeAll
    void startCluster() throws Exception {
        cluster = LocalCluster.start("sticky-routing", 3, 2);
    }

    @AfterAll
    void stopCluster() {
        clients.forEach(RoomgateClient::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    private RoomgateClient connect(int gateway, Encoding encoding) throws Exception {
        RoomgateClient client = RoomgateClient.connect(cluster.websocket(gateway), encoding);
        clients.add(client);
        return client;
    }

    private static Joined joined(RoomgateClient client, ClientMessage join) throws Exception {
        ServerMessage reply = client.request(join, TIMEOUT);
        assertThat(reply.hasJoined()).as("join reply %s", reply).isTrue();
        return reply.getJoined();
    }

    /** One room: two players and two spectators (one of them speaking JSON), and the game it plays. */
    private record Room(String id, List<String> uci, List<RoomgateClient> clients, List<Joined> joins) {
        RoomgateClient white() {
            return clients.get(0);
        }

        RoomgateClient black() {
            return clients.get(1);
        }
    }

    /** The cluster's layout as gateway i's admin API lists it. */
    private NodeList nodes(int gateway) throws Exception {
        return GameFixture.get(cluster.adminRequest(gateway, "/nodes").build(), NodeList.newBuilder());
    }

    private static List<String> toUci(List<String> san) {
        ChessGame game = new ChessGame();
        List<String> uci = new ArrayList<>();
        for (String s : san) {
            String u = game.toUci(s);
            game.play(u);
            uci.add(u);
        }
        return uci;
    }

    @Test
    void everyParticipantIsServedByTheHashedNodeAndSeesEveryMoveInOrder() throws Exception {
        // The gateway's view names the very processes this test started.
        NodeList health = nodes(0);
        assertThat(health.getNodesList())
                .extracting(NodeStatus::getNodeId)
                .containsExactlyInAnyOrder("node-1", "node-2", "node-3");
        List<NodeInfo> infos = new ArrayList<>();
        for (NodeStatus node : health.getNodesList()) {
            assertThat(node.getPid())
                    .as("pid of %s", node.getNodeId())
                    .isEqualTo(cluster.nodes().get(node.getNodeId()).pid());
            infos.add(new NodeInfo(node.getNodeId(), "127.0.0.1", 1, node.getPid(), UUID.randomUUID()));
        }
        NodeView expected = NodeView.of(1, infos);

        List<PgnGame> games = PgnReader.readAll(Path.of("..", "data", "pgn", "tatamast22.pgn"));
        List<Room> rooms = new ArrayList<>();
        for (int r = 0; r < ROOMS; r++) {
            String id = "sys-" + run + "-" + r;
            List<String> san = r == 0 ? OPERA_GAME : games.get(r).sanMoves().subList(0, PLIES_PER_ROOM);
            List<RoomgateClient> four = List.of(
                    connect(0, Encoding.BINARY),
                    connect(0, Encoding.BINARY),
                    connect(0, Encoding.JSON),
                    connect(0, Encoding.BINARY));
            List<Joined> joins = List.of(
                    joined(four.get(0), join(id, Role.PLAYER, Side.WHITE)),
                    joined(four.get(1), join(id, Role.PLAYER, Side.BLACK)),
                    joined(four.get(2), join(id, Role.SPECTATOR, Side.SIDE_UNSPECIFIED)),
                    joined(four.get(3), join(id, Role.SPECTATOR, Side.SIDE_UNSPECIFIED)));
            rooms.add(new Room(id, toUci(san), four, joins));
        }

        Set<String> owners = new HashSet<>();
        for (Room room : rooms) {
            String hashed = expected.ownerOf(room.id()).nodeId();
            assertThat(room.joins())
                    .extracting(Joined::getOwnerNodeId)
                    .as("owners in %s", room.id())
                    .containsOnly(hashed);
            assertThat(room.joins())
                    .extracting(Joined::getSeat)
                    .containsExactly(Seat.SEAT_WHITE, Seat.SEAT_BLACK, Seat.SEAT_SPECTATOR, Seat.SEAT_SPECTATOR);
            owners.add(hashed);
        }
        assertThat(owners).as("rooms spread over all nodes").containsExactlyInAnyOrder("node-1", "node-2", "node-3");

        // Play ply by ply across all rooms at once; each mover waits for its own move to come back.
        int maxPlies = rooms.stream().mapToInt(r -> r.uci().size()).max().orElseThrow();
        Map<String, Long> lastSequence = new HashMap<>();
        for (int ply = 0; ply < maxPlies; ply++) {
            Map<Room, String> sent = new HashMap<>();
            for (Room room : rooms) {
                if (ply < room.uci().size()) {
                    RoomgateClient mover = ply % 2 == 0 ? room.white() : room.black();
                    String requestId = room.id() + "/" + ply;
                    mover.send(move(room.id(), room.uci().get(ply)).toBuilder()
                            .setRequestId(requestId)
                            .build());
                    sent.put(room, requestId);
                }
            }
            for (Map.Entry<Room, String> e : sent.entrySet()) {
                RoomgateClient mover =
                        ply % 2 == 0 ? e.getKey().white() : e.getKey().black();
                ServerMessage ack = mover.await(m -> m.getRequestId().equals(e.getValue()), TIMEOUT);
                assertThat(ack.hasEvent())
                        .as("ack of %s: %s", e.getValue(), ack)
                        .isTrue();
                lastSequence.put(e.getKey().id(), ack.getEvent().getSequence());
            }
        }

        for (Room room : rooms) {
            long last = lastSequence.get(room.id());
            for (int i = 0; i < 4; i++) {
                RoomgateClient client = room.clients().get(i);
                await().atMost(TIMEOUT)
                        .until(() -> events(client, room.id()).stream().anyMatch(e -> e.getSequence() == last));
                List<RoomEvent> events = events(client, room.id());
                long from = room.joins().get(i).getLastSequence() + 1;
                assertThat(events)
                        .extracting(RoomEvent::getSequence)
                        .as("sequence seen by participant %d of %s", i, room.id())
                        .containsExactlyElementsOf(range(from, last));
                assertThat(events.stream()
                                .filter(RoomEvent::hasMoveMade)
                                .map(e -> e.getMoveMade().getUci())
                                .toList())
                        .as("moves seen by participant %d of %s", i, room.id())
                        .containsExactlyElementsOf(room.uci());
            }
        }

        Room opera = rooms.get(0);
        for (RoomgateClient client : opera.clients()) {
            RoomEvent mate =
                    events(client, opera.id()).get(events(client, opera.id()).size() - 1);
            assertThat(mate.getMoveMade().getSan()).isEqualTo("Rd8#");
            assertThat(mate.getMoveMade().getStatus()).isEqualTo(GameStatus.CHECKMATE);
            assertThat(mate.getMoveMade().getWinner()).isEqualTo(Side.WHITE);
        }
        // And the game really is over: the loser cannot move on.
        ServerMessage refused = opera.black().request(move(opera.id(), "e8e7"), TIMEOUT);
        assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.GAME_OVER);
        System.out.printf(
                "sticky routing: %d rooms x 4 participants over nodes %s, %d moves each broadcast to all%n",
                ROOMS, owners, rooms.stream().mapToInt(r -> r.uci().size()).sum());
    }

    private static List<RoomEvent> events(RoomgateClient client, String roomId) {
        return client.received().stream()
                .filter(ServerMessage::hasEvent)
                .map(ServerMessage::getEvent)
                .filter(e -> e.getRoomId().equals(roomId))
                .toList();
    }

    private static List<Long> range(long from, long toInclusive) {
        List<Long> list = new ArrayList<>();
        for (long s = from; s <= toInclusive; s++) {
            list.add(s);
        }
        return list;
    }

    private static void assertStillServed(RoomgateClient client) throws Exception {
        ServerMessage pong = client.request(
                ClientMessage.newBuilder()
                        .setPing(Ping.newBuilder().setClientTimeMs(1))
                        .build(),
                TIMEOUT);
        assertThat(pong.hasPong()).isTrue();
        assertThat(client.isOpen()).isTrue();
    }

    private static ErrorCode errorOf(RoomgateClient client, ClientMessage message) throws Exception {
        ServerMessage reply = client.request(message, TIMEOUT);
        assertThat(reply.hasError()).as("reply to %s: %s", message, reply).isTrue();
        return reply.getError().getCode();
    }

    @Test
    void badInputGetsItsErrorAndHarmsNoOne() throws Exception {
        String room = "bad-" + run;
        RoomgateClient white = connect(0, Encoding.BINARY);
        RoomgateClient black = connect(0, Encoding.JSON);
        RoomgateClient watcher = connect(0, Encoding.BINARY);
        joined(white, join(room, Role.PLAYER, Side.WHITE));
        joined(black, join(room, Role.PLAYER, Side.BLACK));
        joined(watcher, join(room, Role.SPECTATOR, Side.SIDE_UNSPECIFIED));

        assertThat(errorOf(white, move(room, "e2e5"))).isEqualTo(ErrorCode.ILLEGAL_MOVE);
        assertStillServed(white);
        assertThat(errorOf(black, move(room, "e7e5"))).isEqualTo(ErrorCode.NOT_YOUR_TURN);
        assertStillServed(black);
        assertThat(errorOf(watcher, move(room, "e2e4"))).isEqualTo(ErrorCode.SPECTATOR_CANNOT_MOVE);
        assertStillServed(watcher);
        assertThat(errorOf(white, move("elsewhere-" + run, "e2e4"))).isEqualTo(ErrorCode.NOT_IN_ROOM);
        assertStillServed(white);
        assertThat(errorOf(white, join(room, Role.PLAYER, Side.BLACK))).isEqualTo(ErrorCode.ALREADY_IN_ROOM);
        ClientMessage unknownType = ClientMessage.newBuilder()
                .setJoin(JoinRoom.newBuilder().setRoomId("typeless-" + run))
                .build();
        assertThat(errorOf(watcher, unknownType)).isEqualTo(ErrorCode.UNKNOWN_GAME_TYPE);
        assertStillServed(watcher);

        white.sendRawBinary(new byte[] {0x12, 0x7f, 0x01});
        assertThat(white.await(ServerMessage::hasError, TIMEOUT).getError().getCode())
                .isEqualTo(ErrorCode.MALFORMED_MESSAGE);
        assertStillServed(white);
        black.sendRawText("{\"move\": {\"roomId\": ");
        assertThat(black.await(ServerMessage::hasError, TIMEOUT).getError().getCode())
                .isEqualTo(ErrorCode.MALFORMED_MESSAGE);
        assertStillServed(black);

        RoomgateClient hostile = connect(0, Encoding.BINARY);
        hostile.sendRawBinary(new byte[64 * 1024]);
        RoomgateClient.CloseStatus closed =
                hostile.closeFuture().get(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(closed.code()).isEqualTo(1009);
        assertThat(closed.reason()).isNotBlank();

        // Nobody else noticed: the game goes on and every participant sees it.
        ServerMessage ack = white.request(move(room, "e2e4"), TIMEOUT);
        assertThat(ack.getEvent().getMoveMade().getSan()).isEqualTo("e4");
        long sequence = ack.getEvent().getSequence();
        for (RoomgateClient c : List.of(black, watcher)) {
            ServerMessage seen = c.await(m -> m.hasEvent() && m.getEvent().getSequence() == sequence, TIMEOUT);
            assertThat(seen.getEvent().getMoveMade().getUci()).isEqualTo("e2e4");
        }
    }

    @Test
    void aLateJoinerReceivesTheLastTenChatMessages() throws Exception {
        String room = "chat-" + run;
        RoomgateClient talker = connect(0, Encoding.JSON);
        joined(talker, join(room, Role.PLAYER, Side.WHITE));
        for (int i = 1; i <= 12; i++) {
            ServerMessage echo = talker.request(
                    ClientMessage.newBuilder()
                            .setChat(SendChat.newBuilder().setRoomId(room).setText("message " + i))
                            .build(),
                    TIMEOUT);
            assertThat(echo.getEvent().getChat().getText()).isEqualTo("message " + i);
        }
        assertThat(errorOf(
                        talker,
                        ClientMessage.newBuilder()
                                .setChat(SendChat.newBuilder().setRoomId(room).setText(" "))
                                .build()))
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);

        RoomgateClient late = connect(1, Encoding.BINARY);
        Joined joined = joined(late, join(room, Role.SPECTATOR, Side.SIDE_UNSPECIFIED));
        assertThat(joined.getChatHistoryList())
                .extracting(ChatMessage::getText)
                .containsExactly(
                        "message 3",
                        "message 4",
                        "message 5",
                        "message 6",
                        "message 7",
                        "message 8",
                        "message 9",
                        "message 10",
                        "message 11",
                        "message 12");
    }

    @Test
    void twoGatewaysSendARoomToTheSameNodeAndShareItsEvents() throws Exception {
        String room = "xgw-" + run;
        RoomgateClient white = connect(0, Encoding.BINARY);
        RoomgateClient black = connect(1, Encoding.BINARY);
        RoomgateClient watcher = connect(1, Encoding.JSON);
        Joined a = joined(white, join(room, Role.PLAYER, Side.WHITE));
        Joined b = joined(black, join(room, Role.PLAYER, Side.BLACK));
        Joined c = joined(watcher, join(room, Role.SPECTATOR, Side.SIDE_UNSPECIFIED));
        assertThat(b.getOwnerNodeId()).isEqualTo(a.getOwnerNodeId());
        assertThat(c.getOwnerNodeId()).isEqualTo(a.getOwnerNodeId());
        assertThat(nodes(1).getNodesList())
                .extracting(NodeStatus::getNodeId)
                .containsExactlyInAnyOrderElementsOf(nodes(0).getNodesList().stream()
                        .map(NodeStatus::getNodeId)
                        .toList());

        ServerMessage e4 = white.request(move(room, "e2e4"), TIMEOUT);
        ServerMessage e5 = black.request(move(room, "e7e5"), TIMEOUT);
        assertThat(e5.getEvent().getSequence()).isEqualTo(e4.getEvent().getSequence() + 1);
        for (RoomgateClient client : List.of(white, black, watcher)) {
            await().atMost(TIMEOUT)
                    .until(() -> events(client, room).stream()
                                    .filter(RoomEvent::hasMoveMade)
                                    .count()
                            == 2);
            assertThat(events(client, room).stream()
                            .filter(RoomEvent::hasMoveMade)
                            .map(e -> e.getMoveMade().getSan()))
                    .containsExactly("e4", "e5");
        }
    }

    @Test
    void aGatewayStoppedBySigtermSaysGoingAwayExitsAndTheSeatResumesOnAnother() throws Exception {
        String room = "stop-" + run;
        int stopping = cluster.addGateway("gw-stopping-" + run);
        RoomgateClient white = connect(stopping, Encoding.BINARY);
        RoomgateClient black = connect(0, Encoding.BINARY);
        Joined whiteJoined = joined(white, join(room, Role.PLAYER, Side.WHITE));
        joined(black, join(room, Role.PLAYER, Side.BLACK));
        String token = white.received().stream()
                .filter(ServerMessage::hasSessionStarted)
                .findFirst()
                .orElseThrow()
                .getSessionStarted()
                .getResumeToken();
        ServerMessage e4 = white.request(move(room, "e2e4"), TIMEOUT);
        assertThat(e4.hasEvent()).as("move answer %s", e4).isTrue();

        cluster.gateway(stopping).terminate();

        CloseStatus closed = white.closeFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(closed.code()).as("close status %s", closed).isEqualTo(1001);
        assertThat(cluster.gateway(stopping).awaitExit(TIMEOUT))
                .as("the gateway exits by itself")
                .isPresent();
        RoomgateClient again = connect(0, Encoding.BINARY);
        ServerMessage resumed = again.request(
                ClientMessage.newBuilder()
                        .setResume(Resume.newBuilder()
                                .setResumeToken(token)
                                .putLastSequences(room, e4.getEvent().getSequence()))
                        .build(),
                TIMEOUT);
        assertThat(resumed.hasResumed()).as("resume answer %s", resumed).isTrue();
        // No node changed: the room's owner is the one that `joined` named.
        assertThat(resumed.getResumed().getOwnerNodeId()).isNotEmpty().isEqualTo(whiteJoined.getOwnerNodeId());
        assertThat(black.request(move(room, "e7e5"), TIMEOUT).hasEvent()).isTrue();
        ServerMessage nf3 = again.request(move(room, "g1f3"), TIMEOUT);
        assertThat(nf3.hasEvent()).as("white moves again in its seat: %s", nf3).isTrue();
        assertThat(nf3.getEvent().getSequence()).isEqualTo(e4.getEvent().getSequence() + 2);
    }
}
