package roomgate.node.registry;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import roomgate.cluster.RendezvousHash;
import roomgate.link.RoomRequests;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.ClientMessage;

/**
 * All the rooms of this game-node JVM, and the only holder of room state in it: the lecture's
 * GameManager. There is one per JVM (private constructor, {@link #instance()}); the node's main
 * starts it once with the node's identity. Rooms change only through the requests it receives,
 * each applied under its room's rules on the room's stripe thread.
 *
 * <p>Callers (node-link handlers on Netty event loops) never wait: every method hands its work to
 * the stripe that owns the room and returns.
 */
public final class RoomRegistry {
    private static final RoomRegistry INSTANCE = new RoomRegistry();

    private final AtomicInteger roomCount = new AtomicInteger();
    private volatile RoomStripe[] stripes;
    private volatile String nodeId;

    private RoomRegistry() {}

    public static RoomRegistry instance() {
        return INSTANCE;
    }

    /**
     * Starts the registry with {@code stripeCount} room threads.
     *
     * @throws IllegalStateException if it is already started
     */
    public synchronized void start(String nodeId, int stripeCount, Duration idleRoomTtl) {
        Objects.requireNonNull(nodeId, "nodeId");
        if (stripes != null) {
            throw new IllegalStateException("RoomRegistry already started for node " + this.nodeId);
        }
        if (stripeCount < 1) {
            throw new IllegalArgumentException("stripeCount: " + stripeCount + " (expected: > 0)");
        }
        DefaultThreadFactory threads = new DefaultThreadFactory("room-stripe", false);
        RoomStripe[] created = new RoomStripe[stripeCount];
        for (int i = 0; i < stripeCount; i++) {
            created[i] = new RoomStripe(new DefaultEventExecutor(threads), nodeId, idleRoomTtl, roomCount);
        }
        this.nodeId = nodeId;
        this.stripes = created;
    }

    /** Stops the room threads and forgets every room. */
    public synchronized void stop() {
        RoomStripe[] current = stripes;
        if (current == null) {
            return;
        }
        for (RoomStripe stripe : current) {
            stripe.executor().execute(stripe::onClear);
            stripe.executor().shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
        stripes = null;
    }

    public String nodeId() {
        return nodeId;
    }

    public int roomCount() {
        return roomCount.get();
    }

    /** A client's join, leave, move or chat, as forwarded by a gateway. */
    public void submit(GatewayLink link, SessionRequest request) {
        ClientMessage message = request.getMessage();
        String roomId = RoomRequests.roomIdOf(message);
        if (roomId.isEmpty()) {
            throw new IllegalArgumentException("not a room request: " + message.getBodyCase());
        }
        RoomStripe stripe = stripeOf(roomId);
        SessionKey who = new SessionKey(link, request.getSessionId());
        stripe.executor().execute(() -> stripe.onRequest(who, roomId, message));
    }

    /** A client session ended at its gateway: it leaves its rooms. */
    public void sessionClosed(GatewayLink link, long sessionId, List<String> roomIds) {
        SessionKey who = new SessionKey(link, sessionId);
        for (String roomId : roomIds) {
            RoomStripe stripe = stripeOf(roomId);
            stripe.executor().execute(() -> stripe.onSessionClosed(who, roomId));
        }
    }

    /** A gateway link closed: all the sessions that came over it leave their rooms. */
    public void linkClosed(GatewayLink link) {
        for (RoomStripe stripe : started()) {
            stripe.executor().execute(() -> stripe.onLinkClosed(link));
        }
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
