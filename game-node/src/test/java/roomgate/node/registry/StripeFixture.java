package roomgate.node.registry;

import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import roomgate.node.metrics.NodeMetrics;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.LeaveRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * One stripe of node-a as the registry's tests build it: its thread (a real one, or a {@link
 * ManualClockExecutor} whose clock the test moves), a {@link GatedRoomStore}, the {@link RoomStripe}
 * on them (never draining), its room counter, and a {@link RecordingLink} for what it sends. A test
 * hands requests to the stripe on its thread, as a gateway's link would. Registered as an extension
 * ({@code @RegisterExtension}), it shuts the stripe's thread down after each test.
 */
final class StripeFixture<E extends EventExecutor> implements AfterEachCallback {
    static final String NODE = "node-a";
    static final Duration GRACE = Duration.ofSeconds(30);
    static final Duration IDLE = Duration.ofMinutes(10);
    /** node-a and node-b: a room node-a drains has somewhere to go. */
    static final NodeView TWO_NODES = NodeView.of(
            1,
            List.of(
                    new NodeInfo("node-a", "127.0.0.1", 1, 1, UUID.randomUUID()),
                    new NodeInfo("node-b", "127.0.0.1", 2, 2, UUID.randomUUID())));

    final E executor;
    final GatedRoomStore store = new GatedRoomStore();
    final AtomicInteger roomCount = new AtomicInteger();
    final RoomContext context;
    final RoomStripe stripe;
    final RecordingLink link;

    private StripeFixture(
            E executor,
            BiFunction<GatedRoomStore, E, RoomContext> context,
            Supplier<NodeView> view,
            Supplier<Set<String>> members) {
        this.executor = executor;
        this.context = context.apply(store, executor);
        this.stripe = new RoomStripe(this.context, view, members, () -> false, roomCount);
        this.link = new RecordingLink(executor);
    }

    /** node-a alone (an empty view, no other members): 30 s reconnect grace, 10 min idle, no meters. */
    static <E extends EventExecutor> StripeFixture<E> alone(E executor) {
        return alone(executor, (store, on) -> new RoomContext(NODE, store, on, GRACE, IDLE, NodeMetrics.disabled()));
    }

    /** node-a alone, with the test's own context. */
    static <E extends EventExecutor> StripeFixture<E> alone(
            E executor, BiFunction<GatedRoomStore, E, RoomContext> context) {
        return new StripeFixture<>(executor, context, NodeView::empty, Set::of);
    }

    /** node-a of {@link #TWO_NODES}, both members: 30 s reconnect grace, 10 min idle, meters that count. */
    static StripeFixture<DefaultEventExecutor> ofTwoNodes() {
        return new StripeFixture<>(
                new DefaultEventExecutor(),
                (store, on) ->
                        new RoomContext(NODE, store, on, GRACE, IDLE, new NodeMetrics(new SimpleMeterRegistry())),
                () -> TWO_NODES,
                () -> Set.of("node-a", "node-b"));
    }

    @Override
    public void afterEach(ExtensionContext test) throws InterruptedException {
        executor.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    /** Runs the task on the stripe's thread, after what it has queued, and waits for it. */
    <T> T onStripe(Callable<T> task) throws Exception {
        return executor.submit(task).get(5, TimeUnit.SECONDS);
    }

    /** The room's phase, once the stripe has run what it has queued; null when it has none. */
    RoomPhase phase(String roomId) throws Exception {
        return onStripe(() -> stripe.phaseOf(roomId));
    }

    /** Session {@code sessionId} (participant "p" + id) sends the message, with the request id, on {@link #link}. */
    void request(long sessionId, String requestId, ClientMessage.Builder message) {
        request(link, sessionId, message.setRequestId(requestId));
    }

    /** Session {@code sessionId} (participant "p" + id) sends the message as it is, on the given link. */
    void request(RecordingLink on, long sessionId, ClientMessage.Builder message) {
        SessionRequest request = SessionRequest.newBuilder()
                .setSessionId(sessionId)
                .setParticipantId("p" + sessionId)
                .setMessage(message)
                .build();
        executor.execute(() -> stripe.onRequest(on, request));
    }

    /** Session {@code n} sends the join (request id "join" + n) and waits until it is answered. */
    void join(long n, ClientMessage.Builder join) {
        long before = joined();
        request(n, "join" + n, join);
        await().atMost(Duration.ofSeconds(5)).until(() -> joined() == before + 1);
    }

    /** Session {@code n} leaves the room (request id "leave" + n) and waits until it is answered. */
    void leave(long n, String roomId) {
        long before = left();
        request(
                n,
                "leave" + n,
                ClientMessage.newBuilder().setLeave(LeaveRoom.newBuilder().setRoomId(roomId)));
        await().atMost(Duration.ofSeconds(5)).until(() -> left() == before + 1);
    }

    /** How many joins {@link #link} has been answered. */
    long joined() {
        return link.replies().stream().filter(ServerMessage::hasJoined).count();
    }

    /** How many leaves {@link #link} has been answered. */
    long left() {
        return link.replies().stream().filter(ServerMessage::hasLeft).count();
    }

    /** A join to a chess room, with no side asked for. */
    static ClientMessage.Builder joinChess(String roomId, Role role) {
        return ClientMessage.newBuilder()
                .setJoin(JoinRoom.newBuilder()
                        .setRoomId(roomId)
                        .setGameType(GameType.CHESS)
                        .setRole(role));
    }

    /** A join to a chess room, for the side. */
    static ClientMessage.Builder joinChess(String roomId, Role role, Side side) {
        return ClientMessage.newBuilder()
                .setJoin(JoinRoom.newBuilder()
                        .setRoomId(roomId)
                        .setGameType(GameType.CHESS)
                        .setRole(role)
                        .setSide(side));
    }
}
