package roomgate.node.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.concurrent.DefaultEventExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import roomgate.node.metrics.NodeMetrics;
import roomgate.node.replication.LocalRoomStore;
import roomgate.node.replication.RoomStore;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.store.v1.RoomRecord;
import roomgate.protocol.v1.ChatMessage;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.RoomState;
import roomgate.protocol.v1.SendChat;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * A room taken over by another node while its events wait for the store: every request behind
 * them is still answered — redirected to the new owner when the store refused them, or
 * {@code OUTCOME_UNKNOWN} when it may have kept them. Before this, such a request (a spectator's join
 * to a resumed node's stale room) was never answered at all.
 */
class LostRoomRequestsTest {
    private static final String ROOM = "c1";
    private static final NodeView TWO_NODES = NodeView.of(
            1,
            List.of(
                    new NodeInfo("node-a", "127.0.0.1", 1, 1, UUID.randomUUID()),
                    new NodeInfo("node-b", "127.0.0.1", 2, 2, UUID.randomUUID())));

    private final DefaultEventExecutor executor = new DefaultEventExecutor();
    private final LocalRoomStore records = new LocalRoomStore();
    private final HeldAppends store = new HeldAppends(records);
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
            new AtomicInteger());
    private final RecordingLink link = new RecordingLink(executor);

    @AfterEach
    void shutDown() throws InterruptedException {
        executor.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    @Test
    void requestsTheStoreRefusedAreRedirectedToTheNewOwnerInOrder() {
        seatWhite();
        store.hold();
        spectate(2);
        request(
                1,
                "hello",
                ClientMessage.newBuilder()
                        .setChat(SendChat.newBuilder().setRoomId(ROOM).setText("hi")));
        await().until(() -> store.waiting() != null);

        takeOverAs("node-b");
        store.release(); // the join's append now meets node-b's epoch and is refused

        await().atMost(Duration.ofSeconds(5)).until(() -> link.redirects().size() == 2);
        assertThat(link.lostRooms()).containsExactly(ROOM);
        assertThat(link.redirects())
                .extracting(
                        r -> r.ownerNodeId() + " " + r.request().getMessage().getRequestId())
                .containsExactly("node-b spectate", "node-b hello");
        // Neither was told it happened: node-b applies them, from the record as the store has it.
        assertThat(link.replies()).extracting(ServerMessage::getRequestId).doesNotContain("spectate", "hello");
        assertThat(records.read(ROOM).toCompletableFuture().join().getEventsCount())
                .isEqualTo(1);
    }

    @Test
    void requestsWhoseAppendFailedWithoutAnAnswerAreToldTheOutcomeIsUnknown() {
        seatWhite();
        store.hold();
        spectate(2);
        await().until(() -> store.waiting() != null);
        request(
                1,
                "hello",
                ClientMessage.newBuilder()
                        .setChat(SendChat.newBuilder().setRoomId(ROOM).setText("hi")));

        takeOverAs("node-b");
        // The first append (the join) times out: the store may have kept it. The chat behind it was
        // never sent, so the new owner may apply it.
        store.fail(new IllegalStateException("operation timed out"));

        await().atMost(Duration.ofSeconds(5)).until(() -> link.redirects().size() == 1 && !errors().isEmpty());
        assertThat(errors())
                .extracting(m -> m.getRequestId() + " " + m.getError().getCode())
                .containsExactly("spectate " + ErrorCode.OUTCOME_UNKNOWN);
        assertThat(link.redirects())
                .extracting(
                        r -> r.ownerNodeId() + " " + r.request().getMessage().getRequestId())
                .containsExactly("node-b hello");
    }

    private List<ServerMessage> errors() {
        return link.replies().stream().filter(ServerMessage::hasError).toList();
    }

    private void seatWhite() {
        request(
                1,
                "white",
                ClientMessage.newBuilder()
                        .setJoin(JoinRoom.newBuilder()
                                .setRoomId(ROOM)
                                .setGameType(GameType.CHESS)
                                .setRole(Role.PLAYER)
                                .setSide(Side.WHITE)));
        await().atMost(Duration.ofSeconds(5))
                .until(() ->
                        link.replies().stream().anyMatch(m -> m.getRequestId().equals("white") && m.hasJoined()));
    }

    /** Session {@code sessionId} joins as a spectator, request id "spectate". */
    private void spectate(long sessionId) {
        request(
                sessionId,
                "spectate",
                ClientMessage.newBuilder()
                        .setJoin(JoinRoom.newBuilder()
                                .setRoomId(ROOM)
                                .setGameType(GameType.CHESS)
                                .setRole(Role.SPECTATOR)));
    }

    private void takeOverAs(String nodeId) {
        RoomStore.Claim claim = records.claim(ROOM, nodeId, Set.of(nodeId), GameType.GAME_TYPE_UNSPECIFIED)
                .toCompletableFuture()
                .join();
        assertThat(claim.outcome()).isEqualTo(RoomStore.Claim.Outcome.CLAIMED);
    }

    private void request(long sessionId, String requestId, ClientMessage.Builder message) {
        SessionRequest request = SessionRequest.newBuilder()
                .setSessionId(sessionId)
                .setParticipantId("p" + sessionId)
                .setMessage(message.setRequestId(requestId))
                .build();
        executor.execute(() -> stripe.onRequest(link, request));
    }

    /** The in-memory store, except that appends can be made to wait, then go through or fail. */
    private static final class HeldAppends implements RoomStore {
        private final RoomStore inner;
        private volatile boolean holding;
        private final AtomicReference<CompletableFuture<Void>> gate = new AtomicReference<>();

        HeldAppends(RoomStore inner) {
            this.inner = inner;
        }

        void hold() {
            holding = true;
        }

        CompletableFuture<Void> waiting() {
            return gate.get();
        }

        void release() {
            holding = false;
            gate.get().complete(null);
        }

        void fail(Throwable failure) {
            holding = false;
            gate.get().completeExceptionally(failure);
        }

        @Override
        public CompletionStage<Boolean> append(String roomId, long epoch, List<RoomEvent> events) {
            if (!holding) {
                return inner.append(roomId, epoch, events);
            }
            CompletableFuture<Void> held = new CompletableFuture<>();
            gate.set(held);
            return held.thenCompose(x -> inner.append(roomId, epoch, events));
        }

        @Override
        public CompletionStage<Claim> claim(String roomId, String nodeId, Set<String> liveNodeIds, GameType createAs) {
            return inner.claim(roomId, nodeId, liveNodeIds, createAs);
        }

        @Override
        public CompletionStage<Boolean> snapshot(
                String roomId, long epoch, RoomState state, long sequence, List<ChatMessage> chat) {
            return inner.snapshot(roomId, epoch, state, sequence, chat);
        }

        @Override
        public CompletionStage<Boolean> transfer(String roomId, long epoch, String toNodeId) {
            return inner.transfer(roomId, epoch, toNodeId);
        }

        @Override
        public CompletionStage<RoomRecord> read(String roomId) {
            return inner.read(roomId);
        }
    }
}
