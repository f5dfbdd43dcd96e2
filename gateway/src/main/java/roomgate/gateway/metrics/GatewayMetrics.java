package roomgate.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.runtime.metrics.ProcessMetrics;
import roomgate.wire.client.ClientFrameCodec;

/**
 * The gateway's own meters, created once at start-up and passed to the pipeline handlers and the
 * routers that count. Every method may be called from any event loop at any rate: they touch only
 * Micrometer counters, which are lock-free, and atomics. Counters with a tag per enum value
 * (message type, error code) are looked up once per value and cached, not per message.
 *
 * <p>Names follow Micrometer's conventions (dot-separated, base units); Prometheus shows
 * {@code roomgate.gateway.frames} as {@code roomgate_gateway_frames_total}.
 */
public final class GatewayMetrics {
    /** Why a room this gateway serves moved to another node. */
    public enum MoveCause {
        /** Its node drained and handed it over. */
        HANDOFF,
        /** Its node's link closed or the node left the cluster. */
        NODE_LOST,
        /** Its node found it owned elsewhere now (a newer epoch took it). */
        ROOM_LOST,
        /** A request was redirected away from the node its sessions were seated on. */
        REDIRECT
    }

    /** How a room request found its node. */
    public enum Route {
        /** This loop has sessions seated in the room: to their node. */
        PINNED,
        /** A room new to this loop: rendezvous hashing over the live nodes. */
        HASHED,
        /** The room is moving: held until it has arrived. */
        HELD,
        /** No live node at all: refused. */
        UNAVAILABLE
    }

    /**
     * Why the gateway refused a connection, closed one, dropped a frame or refused a request, to
     * protect itself from a client: each is one of its limits (flags in {@code GatewayConfig}).
     */
    public enum Refusal {
        /** At accept: as many connections open as {@code --max-connections}. */
        CONNECTIONS_TOTAL,
        /** At accept: as many from this address as {@code --max-connections-per-address}. */
        CONNECTIONS_PER_ADDRESS,
        /** Closed: more than {@code --output-budget-bytes} queued for a client that does not read. */
        OUTPUT_BUDGET,
        /** Closed: no complete HTTP request within {@code --http-timeout-seconds} (slow or silent). */
        HTTP_TIMEOUT,
        /** Closed: an HTTP request that could not be decoded (431 for oversized headers, 414, 400). */
        HTTP_BAD_REQUEST,
        /** Closed: more HTTP requests on one connection than the gateway serves (100). */
        HTTP_REQUESTS,
        /** Closed: a WebSocket that sent nothing, pongs included, for {@code --idle-timeout-seconds}. */
        IDLE,
        /** Dropped: a WebSocket ping past the rate limit, or while the connection's output is full. */
        PING,
        /** Closed: more pings dropped in a row than the rate limit's burst. */
        PING_FLOOD,
        /** Closed: a message in more than {@code --max-fragments} fragments, or fragments past the rate limit. */
        FRAGMENTS,
        /** Closed: more malformed messages than {@code --max-malformed} allows. */
        MALFORMED,
        /** Refused: a join past {@code --max-rooms-per-connection} ({@code TOO_MANY_ROOMS}). */
        ROOMS,
        /** Refused: a resume naming more rooms than {@code --max-rooms-per-connection}, or past it. */
        RESUME_ROOMS,
        /** Refused: a subscribe past {@code --max-topics-per-connection} ({@code TOO_MANY_TOPICS}). */
        TOPICS,
        /** Answered 403 and closed: a WebSocket upgrade from a browser origin not allowed ({@code --allowed-origins}). */
        ORIGIN
    }

    /** Why the gateway closed a link before taking anything from it: the node did not prove itself. */
    public enum LinkRefusal {
        /** A Welcome without a proof (the node runs with {@code --link-auth none}, or is not ours). */
        NO_PROOF,
        /** A Welcome whose proof does not answer this link's Hello. */
        BAD_PROOF,
        /** A challenge from another node id than the one the link was opened to, or without a 32-byte nonce. */
        BAD_CHALLENGE,
        /** Any other frame before the node proved itself (a room event, a reply, a second challenge). */
        UNEXPECTED,
        /** No valid Welcome within the link timeout. */
        TIMEOUT
    }

    private final PrometheusMeterRegistry registry;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger sessions = new AtomicInteger();
    private final Counter handshakes;
    /** [direction: 0 in, 1 out][encoding: 0 binary, 1 json] */
    private final Counter[][] frames = new Counter[2][2];

    private final Counter[][] frameBytes = new Counter[2][2];
    private final AtomicReferenceArray<Counter> messages =
            new AtomicReferenceArray<>(ClientMessage.BodyCase.values().length);
    private final AtomicReferenceArray<Counter> errors = new AtomicReferenceArray<>(ErrorCode.values().length);
    private final Counter[] routes = new Counter[Route.values().length];
    private final Counter[] moves = new Counter[MoveCause.values().length];
    private final Counter redirects;
    private final Counter[] refusals = new Counter[Refusal.values().length];
    private final Counter[] linkRefusals = new Counter[LinkRefusal.values().length];
    private final Set<Channel> links = ConcurrentHashMap.newKeySet();
    private final ClientFrameCodec.FrameCounter frameCounter = this::frame;
    private volatile LongSupplier missedFeedUpdates;

    public GatewayMetrics(PrometheusMeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        Gauge.builder("roomgate.gateway.connections", connections, AtomicInteger::get)
                .description("Open client connections (HTTP or WebSocket)")
                .strongReference(true)
                .register(registry);
        Gauge.builder("roomgate.gateway.sessions", sessions, AtomicInteger::get)
                .description("Open WebSocket sessions")
                .strongReference(true)
                .register(registry);
        handshakes = Counter.builder("roomgate.gateway.handshakes")
                .description("Completed WebSocket handshakes")
                .register(registry);
        String[] encodings = {"binary", "json"};
        String[] directions = {"in", "out"};
        for (int d = 0; d < 2; d++) {
            for (int e = 0; e < 2; e++) {
                frames[d][e] = Counter.builder("roomgate.gateway.frames")
                        .description(
                                "WebSocket data messages from (in) and to (out) clients, after reassembly of fragments")
                        .tags("direction", directions[d], "encoding", encodings[e])
                        .register(registry);
                frameBytes[d][e] = Counter.builder("roomgate.gateway.frame.payload")
                        .description("Payload bytes of those WebSocket messages (WebSocket framing not included)")
                        .baseUnit("bytes")
                        .tags("direction", directions[d], "encoding", encodings[e])
                        .register(registry);
            }
        }
        for (Route route : Route.values()) {
            routes[route.ordinal()] = Counter.builder("roomgate.gateway.routing.lookups")
                    .description("How room requests found their node")
                    .tag("result", lower(route))
                    .register(registry);
        }
        for (MoveCause cause : MoveCause.values()) {
            moves[cause.ordinal()] = Counter.builder("roomgate.gateway.room.moves")
                    .description("Rooms this gateway's sessions were rejoined to at a new node, per event loop")
                    .tag("cause", lower(cause))
                    .register(registry);
        }
        for (Refusal refusal : Refusal.values()) {
            refusals[refusal.ordinal()] = Counter.builder("roomgate.gateway.refusals")
                    .description(
                            "Connections refused or closed, and frames dropped, by the gateway's limits on clients")
                    .tag("reason", lower(refusal))
                    .register(registry);
        }
        for (LinkRefusal refusal : LinkRefusal.values()) {
            linkRefusals[refusal.ordinal()] = Counter.builder("roomgate.gateway.links.refused")
                    .description("Links to nodes closed before anything was taken from them: the node did not"
                            + " prove it holds the link secret")
                    .tag("reason", lower(refusal))
                    .register(registry);
        }
        redirects = Counter.builder("roomgate.gateway.redirects")
                .description("Requests a node sent back to be sent to the room's owner")
                .register(registry);
        Gauge.builder("roomgate.gateway.links", links, Set::size)
                .description("Connected links to game nodes (one per event loop per node)")
                .strongReference(true)
                .register(registry);
        Gauge.builder("roomgate.gateway.link.backlog", links, GatewayMetrics::backlogBytes)
                .description("Bytes written to node links and not yet sent, over all links")
                .baseUnit("bytes")
                .strongReference(true)
                .register(registry);
    }

    /** Meters that nobody scrapes: for tests and for callers that have no registry. */
    public static GatewayMetrics disabled() {
        return new GatewayMetrics(ProcessMetrics.newRegistry());
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Counts the feed updates that never reached this gateway, as the feeds count them. */
    public void countMissedFeedUpdates(LongSupplier missed) {
        // The registry holds a function counter's object weakly: this object keeps the supplier.
        missedFeedUpdates = missed;
        FunctionCounter.builder("roomgate.gateway.feed.updates.missed", this, m -> m.missedFeedUpdates.getAsLong())
                .description("Feed updates that never reached this gateway (gaps in the publishers' sequences)")
                .register(registry);
    }

    void connectionOpened() {
        connections.incrementAndGet();
    }

    void connectionClosed() {
        connections.decrementAndGet();
    }

    void sessionOpened() {
        handshakes.increment();
        sessions.incrementAndGet();
    }

    void sessionClosed() {
        sessions.decrementAndGet();
    }

    /** A data frame written to a client without passing the frame codec (a shared, pre-encoded frame). */
    public void frameSent(boolean json, int payloadBytes) {
        frame(false, json, payloadBytes);
    }

    /** Data frames in and out and their payload bytes, as every connection's frame codec reports them. */
    public ClientFrameCodec.FrameCounter frameCounter() {
        return frameCounter;
    }

    private void frame(boolean in, boolean json, int payloadBytes) {
        int d = in ? 0 : 1;
        int e = json ? 1 : 0;
        frames[d][e].increment();
        frameBytes[d][e].increment(payloadBytes);
    }

    void message(ClientMessage.BodyCase type) {
        counter(
                        messages,
                        type.ordinal(),
                        () -> Counter.builder("roomgate.gateway.messages")
                                .description("Client messages received, by type (the ClientMessage body)")
                                .tag("type", lower(type))
                                .register(registry))
                .increment();
    }

    void errorSent(ErrorCode code) {
        counter(
                        errors,
                        code.ordinal(),
                        () -> Counter.builder("roomgate.gateway.errors")
                                .description("Errors sent to clients, by code, whether the gateway or a node refused")
                                .tag("code", code.name())
                                .register(registry))
                .increment();
    }

    public void routed(Route route) {
        routes[route.ordinal()].increment();
    }

    /** A client limit refused a connection, closed one or dropped a frame. */
    public void refused(Refusal refusal) {
        refusals[refusal.ordinal()].increment();
    }

    /** How many times {@code refusal} happened; for tests and logs. */
    public double refusals(Refusal refusal) {
        return refusals[refusal.ordinal()].count();
    }

    /** A link closed because its node did not prove itself. */
    public void linkRefused(LinkRefusal refusal) {
        linkRefusals[refusal.ordinal()].increment();
    }

    /** How many links were refused for {@code refusal}; for tests and logs. */
    public double linkRefusals(LinkRefusal refusal) {
        return linkRefusals[refusal.ordinal()].count();
    }

    public void redirected() {
        redirects.increment();
    }

    public void roomMoved(MoveCause cause) {
        moves[cause.ordinal()].increment();
    }

    /** A link to a node is connected; its unsent bytes count in the backlog until it closes. */
    public void linkUp(Channel link) {
        links.add(link);
    }

    public void linkDown(Channel link) {
        links.remove(link);
    }

    /** Any thread: the outbound buffer's pending size is a volatile read. */
    private static double backlogBytes(Set<Channel> links) {
        long total = 0;
        for (Channel link : links) {
            ChannelOutboundBuffer buffer = link.unsafe().outboundBuffer();
            if (buffer != null) {
                total += buffer.totalPendingWriteBytes();
            }
        }
        return total;
    }

    /** The cached counter at {@code index}, registered on first use; a race registers it twice, harmlessly. */
    private static Counter counter(
            AtomicReferenceArray<Counter> cache, int index, java.util.function.Supplier<Counter> create) {
        Counter counter = cache.get(index);
        if (counter == null) {
            counter = create.get();
            cache.set(index, counter);
        }
        return counter;
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
