package roomgate.node.registry;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Supplier;
import roomgate.node.metrics.NodeMetrics;
import roomgate.node.replication.RoomStore;
import roomgate.placement.NodeView;
import roomgate.placement.RendezvousHash;
import roomgate.protocol.admin.v1.HostedRoom;
import roomgate.protocol.link.v1.Rejoin;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.runtime.metrics.ExecutorDelayProbe;
import roomgate.wire.client.RoomRequests;

/**
 * All the rooms of this game-node JVM, and the only holder of room state in it: the lecture's
 * GameManager. There is one per JVM (private constructor, {@link #instance()}); the node's main
 * starts it once with the node's identity and its store. Rooms change only through the requests it
 * receives, each applied under its room's rules on the room's stripe thread.
 *
 * <p>Callers (node-link handlers on Netty event loops, the drain) never wait: every method hands its
 * work to the stripe that owns the room and returns.
 */
public final class RoomRegistry {
    private static final RoomRegistry INSTANCE = new RoomRegistry();

    private final AtomicInteger roomCount = new AtomicInteger();
    private volatile RoomStripe[] stripes;
    private volatile String nodeId;
    private volatile boolean draining;

    private RoomRegistry() {}

    public static RoomRegistry instance() {
        return INSTANCE;
    }

    /** How the registry runs, fixed at start, and the meters its rooms count in. */
    public record Settings(
            String nodeId,
            int stripes,
            Duration idleRoomTtl,
            Duration reconnectGrace,
            Duration finishedGrace,
            RoomArchive archive,
            NodeMetrics metrics) {
        public Settings {
            Objects.requireNonNull(nodeId, "nodeId");
            Objects.requireNonNull(archive, "archive");
            Objects.requireNonNull(metrics, "metrics");
            if (stripes < 1) {
                throw new IllegalArgumentException("stripes: " + stripes + " (expected: > 0)");
            }
        }
    }

    /**
     * Starts the registry.
     *
     * @param view the live nodes, for placement (handoffs: who is next)
     * @param members the ids of the game nodes that are cluster members now, for claims (whose owner
     *     may still be alive)
     * @throws IllegalStateException if it is already started
     */
    public synchronized void start(
            Settings settings, RoomStore store, Supplier<NodeView> view, Supplier<Set<String>> members) {
        if (stripes != null) {
            throw new IllegalStateException("RoomRegistry already started for node " + this.nodeId);
        }
        DefaultThreadFactory threads = new DefaultThreadFactory("room-stripe", false);
        RoomStripe[] created = new RoomStripe[settings.stripes()];
        for (int i = 0; i < created.length; i++) {
            DefaultEventExecutor executor = new DefaultEventExecutor(threads);
            // Stops by itself when the stripe's executor shuts down.
            ExecutorDelayProbe.start(
                    executor,
                    ExecutorDelayProbe.timer(
                            settings.metrics().registry(),
                            "roomgate.stripe.delay",
                            "stripe",
                            Integer.toString(i),
                            "How late a room stripe runs a task due now (sampled every 100 ms): what a request waits for its room's thread"),
                    ExecutorDelayProbe.DEFAULT_INTERVAL);
            RoomContext ctx = new RoomContext(
                    settings.nodeId(),
                    store,
                    executor,
                    settings.reconnectGrace(),
                    settings.idleRoomTtl(),
                    settings.finishedGrace(),
                    settings.archive(),
                    settings.metrics());
            created[i] = new RoomStripe(ctx, view, members, () -> draining, roomCount);
        }
        this.nodeId = settings.nodeId();
        this.draining = false;
        this.stripes = created;
    }

    /** Stops the room threads and forgets every room (their records stay in the store). */
    public synchronized void stop() {
        RoomStripe[] current = stripes;
        if (current == null) {
            return;
        }
        for (RoomStripe stripe : current) {
            stripe.context().executor().execute(stripe::onClear);
            stripe.context().executor().shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
        stripes = null;
    }

    public String nodeId() {
        return nodeId;
    }

    public int roomCount() {
        return roomCount.get();
    }

    public boolean isDraining() {
        return draining;
    }

    /** A client's join, leave, move or chat, as forwarded by a gateway. */
    public void submit(GatewayLink link, SessionRequest request) {
        String roomId = RoomRequests.roomIdOf(request.getMessage());
        if (roomId.isEmpty()) {
            throw new IllegalArgumentException(
                    "not a room request: " + request.getMessage().getBodyCase());
        }
        RoomStripe stripe = stripeOf(roomId);
        stripe.context().executor().execute(() -> stripe.onRequest(link, request));
    }

    /** A gateway seats sessions again in a room that moved, or resumes a client. */
    public void rejoin(GatewayLink link, Rejoin rejoin) {
        RoomStripe stripe = stripeOf(rejoin.getRoomId());
        stripe.context().executor().execute(() -> stripe.onRejoin(link, rejoin));
    }

    /** A gateway holds the room's requests now (answer to HandoffStart). */
    public void handoffReady(GatewayLink link, String roomId) {
        RoomStripe stripe = stripeOf(roomId);
        stripe.context().executor().execute(() -> stripe.onHandoffReady(link, roomId));
    }

    /** A client session ended at its gateway: its seats are kept for the reconnect grace period. */
    public void sessionClosed(GatewayLink link, long sessionId, List<String> roomIds) {
        SessionKey who = new SessionKey(link, sessionId);
        for (String roomId : roomIds) {
            RoomStripe stripe = stripeOf(roomId);
            stripe.context().executor().execute(() -> stripe.onSessionClosed(who, roomId));
        }
    }

    /** A gateway link closed: its sessions are disconnected from their rooms (seats kept for the grace). */
    public void linkClosed(GatewayLink link) {
        for (RoomStripe stripe : started()) {
            stripe.context().executor().execute(() -> stripe.onLinkClosed(link));
        }
    }

    /**
     * Takes no new rooms from now on and hands every live room to its successor. Completes when
     * every room that could move has moved.
     */
    public CompletableFuture<Void> drain() {
        draining = true;
        List<CompletableFuture<Void>> rooms = new ArrayList<>();
        for (RoomStripe stripe : started()) {
            CompletableFuture<Void> stripeDone = new CompletableFuture<>();
            rooms.add(stripeDone);
            stripe.context().executor().execute(() -> {
                List<CompletableFuture<Void>> handoffs = new ArrayList<>();
                for (String roomId : stripe.liveRooms()) {
                    CompletableFuture<Void> moved = new CompletableFuture<>();
                    handoffs.add(moved);
                    stripe.onStartHandoff(roomId, () -> moved.complete(null));
                }
                CompletableFuture.allOf(handoffs.toArray(CompletableFuture[]::new))
                        .whenComplete((v, e) -> stripeDone.complete(null));
            });
        }
        return CompletableFuture.allOf(rooms.toArray(CompletableFuture[]::new));
    }

    /**
     * Drops every room: this node was cut off and the others have taken its rooms over. Completes
     * when every stripe has dropped its rooms.
     */
    public CompletableFuture<Void> dropAll() {
        List<CompletableFuture<Void>> stripesDone = new ArrayList<>();
        for (RoomStripe stripe : started()) {
            stripesDone.add(CompletableFuture.runAsync(
                    stripe::onDropAll, stripe.context().executor()));
        }
        return CompletableFuture.allOf(stripesDone.toArray(CompletableFuture[]::new));
    }

    /** Rooms, connected sessions and epoch range over all stripes. */
    public CompletableFuture<RegistryStats> stats() {
        return acrossStripes(RoomStripe::onStats, RegistryStats.NONE, RegistryStats::plus);
    }

    /** The rooms held in memory now, each with its epoch, over all stripes. */
    public CompletableFuture<List<HostedRoom>> hostedRooms() {
        return acrossStripes(RoomStripe::onHostedRooms, List.of(), (a, b) -> {
            List<HostedRoom> both = new ArrayList<>(a);
            both.addAll(b);
            return both;
        });
    }

    /** Asks every stripe on its own thread (one thread touches a stripe's rooms) and combines the answers. */
    private <T> CompletableFuture<T> acrossStripes(Function<RoomStripe, T> ask, T none, BinaryOperator<T> combine) {
        CompletableFuture<T> all = CompletableFuture.completedFuture(none);
        for (RoomStripe stripe : started()) {
            CompletableFuture<T> part = new CompletableFuture<>();
            stripe.context().executor().execute(() -> part.complete(ask.apply(stripe)));
            all = all.thenCombine(part, combine);
        }
        return all;
    }

    private RoomStripe stripeOf(String roomId) {
        RoomStripe[] current = started();
        return current[(int) Long.remainderUnsigned(RendezvousHash.hash(roomId), current.length)];
    }

    private RoomStripe[] started() {
        RoomStripe[] current = stripes;
        if (current == null) {
            throw new IllegalStateException("RoomRegistry not started");
        }
        return current;
    }
}
