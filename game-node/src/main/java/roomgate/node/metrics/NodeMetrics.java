package roomgate.node.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import roomgate.node.room.types.RoomTypes;
import roomgate.node.tick.TickMeters;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.GameType;

/**
 * The room-level meters of a game node: rooms by type, messages by room type and message type,
 * moves accepted and refused by code, errors sent, handoffs, and ticks. Created once by the node's
 * main and handed to the room registry in its settings; called from the stripe threads. Counters
 * with a tag per enum value are registered on first use and cached, so a message costs an array
 * read and a lock-free increment, never a registry lookup.
 *
 * <p>A "move" is any game message — everything but join, leave and chat: a chess move or draw claim,
 * an arena input. Accepted means the room's rules took it; refused means they threw, with the code
 * the client got.
 */
public final class NodeMetrics {
    private static final ClientMessage.BodyCase[] TYPES = ClientMessage.BodyCase.values();
    private static final ErrorCode[] CODES = ErrorCode.values();
    private static final GameType[] GAMES = GameType.values();

    private final MeterRegistry registry;
    private final Map<GameType, AtomicInteger> rooms = new EnumMap<>(GameType.class);
    private final AtomicReferenceArray<Counter> messages = new AtomicReferenceArray<>(GAMES.length * TYPES.length);
    private final AtomicReferenceArray<Counter> accepted = new AtomicReferenceArray<>(GAMES.length);
    private final AtomicReferenceArray<Counter> refused = new AtomicReferenceArray<>(GAMES.length * CODES.length);
    private final AtomicReferenceArray<Counter> errors = new AtomicReferenceArray<>(CODES.length);
    private final AtomicReferenceArray<TickMeters> ticks = new AtomicReferenceArray<>(GAMES.length);
    private final Counter[] handoffs = new Counter[2];
    private final Counter loaded;
    private final Counter[] unloaded = new Counter[Unload.values().length];

    /** Why a room left this node's memory. */
    public enum Unload {
        /** Empty for the idle time; its record stays in the cluster for the next join. */
        IDLE,
        /** Finished (or an arena left empty), and queued for the archive. */
        ARCHIVED,
        /** Handed to its successor (drain). */
        MOVED,
        /** Another node took it over. */
        LOST,
        /** The node stopped. */
        STOPPED
    }

    private final Timer[] handoffTimes = new Timer[2];

    public NodeMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        for (GameType type : GAMES) {
            if (type != GameType.UNRECOGNIZED && RoomTypes.supports(type)) {
                AtomicInteger count = new AtomicInteger();
                rooms.put(type, count);
                Gauge.builder("roomgate.node.rooms", count, AtomicInteger::get)
                        .description("Live rooms on this node, by game type")
                        .tag("type", lower(type))
                        .strongReference(true)
                        .register(registry);
            }
        }
        loaded = Counter.builder("roomgate.node.rooms.loaded")
                .description(
                        "Rooms loaded into this node's memory (created, taken over, or loaded again after an unload)")
                .register(registry);
        for (Unload why : Unload.values()) {
            unloaded[why.ordinal()] = Counter.builder("roomgate.node.rooms.unloaded")
                    .description("Rooms that left this node's memory, by reason")
                    .tag("reason", why.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry);
        }
        String[] outcomes = {"moved", "stayed"};
        for (int i = 0; i < 2; i++) {
            handoffs[i] = Counter.builder("roomgate.node.handoffs")
                    .description("Rooms this node tried to hand to their successor (drain): moved, or stayed here")
                    .tag("outcome", outcomes[i])
                    .register(registry);
            handoffTimes[i] = Timer.builder("roomgate.node.handoff.duration")
                    .description(
                            "From the start of a room's handoff to its end: gateways holding, events flushed, ownership transferred")
                    .tag("outcome", outcomes[i])
                    .serviceLevelObjectives(
                            Duration.ofMillis(10),
                            Duration.ofMillis(50),
                            Duration.ofMillis(100),
                            Duration.ofMillis(500),
                            Duration.ofSeconds(1),
                            Duration.ofSeconds(5))
                    .register(registry);
        }
    }

    /** Meters that record nothing: for tests and callers without a registry. */
    public static NodeMetrics disabled() {
        return new NodeMetrics(new CompositeMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void roomOpened(GameType type) {
        AtomicInteger count = rooms.get(type);
        if (count != null) {
            count.incrementAndGet();
        }
    }

    public void roomLoaded() {
        loaded.increment();
    }

    public void roomUnloaded(Unload why) {
        unloaded[why.ordinal()].increment();
    }

    public void roomClosed(GameType type) {
        AtomicInteger count = rooms.get(type);
        if (count != null) {
            count.decrementAndGet();
        }
    }

    /** A request that reached a live room. */
    public void message(GameType room, ClientMessage.BodyCase type) {
        cached(
                        messages,
                        room.ordinal() * TYPES.length + type.ordinal(),
                        () -> Counter.builder("roomgate.node.messages")
                                .description("Client requests that reached a live room, by room type and message type")
                                .tags("room", lower(room), "type", lower(type))
                                .register(registry))
                .increment();
    }

    public void moveAccepted(GameType room) {
        cached(
                        accepted,
                        room.ordinal(),
                        () -> Counter.builder("roomgate.node.moves.accepted")
                                .description(
                                        "Game messages (chess moves and draw claims, arena inputs) the room's rules accepted")
                                .tag("room", lower(room))
                                .register(registry))
                .increment();
    }

    public void moveRefused(GameType room, ErrorCode code) {
        cached(
                        refused,
                        room.ordinal() * CODES.length + code.ordinal(),
                        () -> Counter.builder("roomgate.node.moves.refused")
                                .description("Game messages the room's rules refused, by the code the client got")
                                .tags("room", lower(room), "code", code.name())
                                .register(registry))
                .increment();
    }

    /** An error this node answered a request with (any request, any reason). */
    public void errorSent(ErrorCode code) {
        cached(
                        errors,
                        code.ordinal(),
                        () -> Counter.builder("roomgate.node.errors")
                                .description("Errors this node sent in answer to requests, by code")
                                .tag("code", code.name())
                                .register(registry))
                .increment();
    }

    public void handoff(boolean moved, long nanos) {
        int i = moved ? 0 : 1;
        handoffs[i].increment();
        handoffTimes[i].record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The meters the ticks of every room of {@code room}'s type are recorded in. */
    public TickMeters tickMeters(GameType room) {
        return cached(
                ticks,
                room.ordinal(),
                () -> new TickMeters(
                        Timer.builder("roomgate.tick.lateness")
                                .description("How long after its place on the tick grid a room's tick started")
                                .tag("room", lower(room))
                                .serviceLevelObjectives(
                                        Duration.ofMillis(1),
                                        Duration.ofMillis(5),
                                        Duration.ofMillis(10),
                                        Duration.ofMillis(33),
                                        Duration.ofMillis(100))
                                .register(registry),
                        Timer.builder("roomgate.tick.duration")
                                .description("How long a room's tick ran (simulation and broadcast)")
                                .tag("room", lower(room))
                                .serviceLevelObjectives(
                                        Duration.ofMillis(1),
                                        Duration.ofMillis(5),
                                        Duration.ofMillis(10),
                                        Duration.ofMillis(33))
                                .register(registry),
                        Counter.builder("roomgate.tick.skipped")
                                .description("Ticks skipped because the room's thread fell more than a period behind")
                                .tag("room", lower(room))
                                .register(registry)));
    }

    /** The cached meter at {@code index}, created on first use; a race creates it twice, harmlessly. */
    private static <T> T cached(AtomicReferenceArray<T> cache, int index, Supplier<T> create) {
        T meter = cache.get(index);
        if (meter == null) {
            meter = create.get();
            cache.set(index, meter);
        }
        return meter;
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
