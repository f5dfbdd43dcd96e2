package roomgate.node.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.concurrent.DefaultEventExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import roomgate.node.metrics.NodeMetrics;
import roomgate.node.registry.RoomPhase.HandingOff;
import roomgate.node.registry.RoomPhase.Live;
import roomgate.node.registry.RoomPhase.Loading;
import roomgate.node.registry.RoomPhase.Moved;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.SendChat;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * A room is in one phase at a time on its stripe: LOADING while the store has its claim, LIVE once
 * claimed, HANDING OFF while a drain moves it, MOVED after. The move waits for the room's events to
 * be stored, and goes on as soon as they are.
 */
class RoomPhaseTest {
    private static final String ROOM = "c1";
    private static final NodeView TWO_NODES = NodeView.of(
            1,
            List.of(
                    new NodeInfo("node-a", "127.0.0.1", 1, 1, UUID.randomUUID()),
                    new NodeInfo("node-b", "127.0.0.1", 2, 2, UUID.randomUUID())));

    private final DefaultEventExecutor executor = new DefaultEventExecutor();
    private final GatedRoomStore store = new GatedRoomStore();
    private final AtomicInteger roomCount = new AtomicInteger();
    private final RoomStripe stripe = new RoomStripe(
            new RoomContext(
                    "node-a",
                    store,
                    executor,
                    Duration.ofSeconds(30),
                    Duration.ofMinutes(10),
                    new NodeMetrics(new SimpleMeterRegistry())),
            () -> TWO_NODES,
            () -> Set.of("node-a", "node-b"),
            () -> false,
            roomCount);
    private final RecordingLink link = new RecordingLink(executor);

    @AfterEach
    void shutDown() throws InterruptedException {
        executor.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    @Test
    void aRoomLoadsThenIsLiveThenHandsOffOnceItsEventsAreStoredThenIsMoved() throws Exception {
        store.claims().close();
        request(
                1,
                "white",
                ClientMessage.newBuilder()
                        .setJoin(JoinRoom.newBuilder()
                                .setRoomId(ROOM)
                                .setGameType(GameType.CHESS)
                                .setRole(Role.PLAYER)
                                .setSide(Side.WHITE)));
        request(
                2,
                "black",
                ClientMessage.newBuilder()
                        .setJoin(JoinRoom.newBuilder()
                                .setRoomId(ROOM)
                                .setGameType(GameType.CHESS)
                                .setRole(Role.PLAYER)
                                .setSide(Side.BLACK)));
        RoomPhase loading = phase();
        assertThat(loading).isInstanceOf(Loading.class);
        assertThat(((Loading) loading).waiting())
                .as("both joins wait for the one claim")
                .hasSize(2);

        store.claims().open();
        await().atMost(Duration.ofSeconds(5)).until(() -> joined() == 2);
        assertThat(phase()).isInstanceOf(Live.class);
        assertThat(roomCount).hasValue(1);

        // A move on its way to the store when the drain starts: the room may not move before it is stored.
        store.appends().close();
        request(
                1,
                "e4",
                ClientMessage.newBuilder()
                        .setMove(ChessMove.newBuilder().setRoomId(ROOM).setUci("e2e4")));
        await().atMost(Duration.ofSeconds(5)).until(() -> store.appends().waiting() == 1);
        CompletableFuture<Void> handedOff = new CompletableFuture<>();
        onStripe(() -> {
            stripe.onStartHandoff(ROOM, () -> handedOff.complete(null));
            return null;
        });
        assertThat(phase()).isInstanceOf(HandingOff.class);
        assertThat(((HandingOff) phase()).handoff().successor).isEqualTo("node-b");
        onStripe(() -> {
            stripe.onHandoffReady(link, ROOM);
            return null;
        });
        assertThat(phase())
                .as("every link holds, but the move is not stored yet")
                .isInstanceOf(HandingOff.class);
        assertThat(handedOff).isNotDone();
        assertThat(owner()).isEqualTo("node-a");

        store.appends().open();
        await().atMost(Duration.ofSeconds(5)).until(handedOff::isDone);
        assertThat(phase()).isEqualTo(new Moved("node-b"));
        assertThat(owner()).isEqualTo("node-b");
        assertThat(roomCount).hasValue(0);
        assertThat(link.events()).extracting(e -> e.getMoveMade().getUci()).contains("e2e4");
        assertThat(store.records().read(ROOM).toCompletableFuture().join().getEventsList())
                .extracting(RoomEvent::getSequence)
                .containsExactly(1L, 2L, 3L);
        assertThat(link.handoffs()).containsExactly("start " + ROOM, "done " + ROOM + " node-b");

        // A straggler's request goes where the room went.
        request(
                2,
                "gg",
                ClientMessage.newBuilder()
                        .setChat(SendChat.newBuilder().setRoomId(ROOM).setText("gg")));
        await().atMost(Duration.ofSeconds(5)).until(() -> !link.redirects().isEmpty());
        assertThat(link.redirects())
                .extracting(RecordingLink.Redirect::ownerNodeId)
                .containsExactly("node-b");
        assertThat(link.anythingSentOffTheStripeThread()).isFalse();
    }

    @Test
    void aRoomWhoseClaimFailsIsForgottenAndLoadsAgainOnTheNextRequest() throws Exception {
        store.claims().close();
        request(
                1,
                "white",
                ClientMessage.newBuilder()
                        .setJoin(JoinRoom.newBuilder()
                                .setRoomId(ROOM)
                                .setGameType(GameType.CHESS)
                                .setRole(Role.PLAYER)
                                .setSide(Side.WHITE)));
        assertThat(phase()).isInstanceOf(Loading.class);
        store.claims().fail(new IllegalStateException("no quorum"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> link.replies().stream().anyMatch(ServerMessage::hasError));
        assertThat(phase()).as("no phase: the next request claims it again").isNull();

        request(
                1,
                "again",
                ClientMessage.newBuilder()
                        .setJoin(JoinRoom.newBuilder()
                                .setRoomId(ROOM)
                                .setGameType(GameType.CHESS)
                                .setRole(Role.PLAYER)
                                .setSide(Side.WHITE)));
        await().atMost(Duration.ofSeconds(5)).until(() -> joined() == 1);
        assertThat(phase()).isInstanceOf(Live.class);
    }

    private long joined() {
        return link.replies().stream().filter(ServerMessage::hasJoined).count();
    }

    private RoomPhase phase() throws Exception {
        return onStripe(() -> stripe.phaseOf(ROOM));
    }

    private String owner() {
        return store.records().read(ROOM).toCompletableFuture().join().getOwnerNodeId();
    }

    private <T> T onStripe(Callable<T> task) throws Exception {
        return executor.submit(task).get(5, TimeUnit.SECONDS);
    }

    private void request(long sessionId, String requestId, ClientMessage.Builder message) {
        SessionRequest request = SessionRequest.newBuilder()
                .setSessionId(sessionId)
                .setParticipantId("p" + sessionId)
                .setMessage(message.setRequestId(requestId))
                .build();
        executor.execute(() -> stripe.onRequest(link, request));
    }
}
