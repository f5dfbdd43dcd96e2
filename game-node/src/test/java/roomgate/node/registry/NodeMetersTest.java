package roomgate.node.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.concurrent.DefaultEventExecutor;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import roomgate.node.metrics.NodeMetrics;
import roomgate.node.replication.LocalRoomStore;
import roomgate.node.replication.MeteredRoomStore;
import roomgate.placement.NodeView;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.SendChat;
import roomgate.protocol.v1.Side;

/** What a chess room's requests count, on a real stripe thread with the in-memory store. */
class NodeMetersTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DefaultEventExecutor executor = new DefaultEventExecutor();
    private final LocalRoomStore store = new LocalRoomStore();
    private final RoomStripe stripe = new RoomStripe(
            new RoomContext(
                    "node-m",
                    new MeteredRoomStore(store, registry),
                    executor,
                    Duration.ofSeconds(30),
                    Duration.ofMinutes(10),
                    new NodeMetrics(registry)),
            NodeView::empty,
            Set::of,
            () -> false,
            new AtomicInteger());
    private final GatewayLink link = new RecordingLink(executor);

    @AfterEach
    void shutDown() throws InterruptedException {
        executor.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    private void request(long sessionId, ClientMessage message) {
        executor.execute(() -> stripe.onRequest(
                link,
                SessionRequest.newBuilder()
                        .setSessionId(sessionId)
                        .setParticipantId("p" + sessionId)
                        .setMessage(message)
                        .build()));
    }

    private static ClientMessage join(Side side) {
        return ClientMessage.newBuilder()
                .setJoin(JoinRoom.newBuilder()
                        .setRoomId("c1")
                        .setGameType(GameType.CHESS)
                        .setRole(Role.PLAYER)
                        .setSide(side))
                .build();
    }

    private static ClientMessage move(String uci) {
        return ClientMessage.newBuilder()
                .setMove(ChessMove.newBuilder().setRoomId("c1").setUci(uci))
                .build();
    }

    private double count(String name, String... tags) {
        Counter counter = registry.find(name).tags(tags).counter();
        // A meter that does not exist (a misspelled name or tag) reads NaN, which no expected count equals.
        return counter == null ? Double.NaN : counter.count();
    }

    @Test
    void movesAreCountedAcceptedOrRefusedByCodeAndEveryLoggedEventIsTimed() {
        request(1, join(Side.WHITE));
        request(2, join(Side.BLACK));
        request(1, move("e2e4"));
        request(2, move("e7e4")); // illegal
        request(1, move("d2d4")); // not white's turn
        request(2, move("e7e5"));
        request(
                2,
                ClientMessage.newBuilder()
                        .setChat(SendChat.newBuilder().setRoomId("c1").setText("gg"))
                        .build());

        await().atMost(Duration.ofSeconds(5)).until(() -> count("roomgate.node.messages", "type", "chat") == 1);
        assertThat(count("roomgate.node.moves.accepted", "room", "chess")).isEqualTo(2);
        assertThat(count("roomgate.node.moves.refused", "room", "chess", "code", "ILLEGAL_MOVE"))
                .isEqualTo(1);
        assertThat(count("roomgate.node.moves.refused", "room", "chess", "code", "NOT_YOUR_TURN"))
                .isEqualTo(1);
        assertThat(count("roomgate.node.errors", "code", "ILLEGAL_MOVE")).isEqualTo(1);
        assertThat(count("roomgate.node.messages", "room", "chess", "type", "join"))
                .isEqualTo(2);
        assertThat(count("roomgate.node.messages", "room", "chess", "type", "move"))
                .isEqualTo(4);
        assertThat(count("roomgate.node.claims", "outcome", "created")).isEqualTo(1);
        Gauge chessRooms =
                registry.find("roomgate.node.rooms").tag("type", "chess").gauge();
        assertThat(chessRooms.value()).isEqualTo(1);
        // Two joins, two moves, one chat: five events in the log, written by one to five appends
        // (events applied while an append is in flight go together in the next one).
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(
                                store.read("c1").toCompletableFuture().get().getEventsCount())
                        .isEqualTo(5));
        Timer appends =
                registry.find("roomgate.replication.append").tag("result", "ok").timer();
        assertThat(appends.count()).isBetween(1L, 5L);
    }

    @Test
    void aRequestForNoRoomIsAnErrorButNoMove() {
        request(1, move("e2e4")); // no room c1 yet, and a move cannot create one
        await().atMost(Duration.ofSeconds(5)).until(() -> count("roomgate.node.errors", "code", "NOT_IN_ROOM") == 1);
        assertThat(count("roomgate.node.claims", "outcome", "absent")).isEqualTo(1);
        assertThat(registry.find("roomgate.node.moves.refused").counters()).isEmpty();
        assertThat(registry.find("roomgate.node.rooms")
                        .tag("type", "chess")
                        .gauge()
                        .value())
                .isZero();
    }
}
