package roomgate.node.replication;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import roomgate.protocol.store.v1.RoomRecord;
import roomgate.protocol.v1.ChatMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.RoomState;

/**
 * A {@link RoomStore} that times every write from the call to its completion (for the replicated
 * store: until the owner partition and its synchronous backup have it) and counts claims by
 * outcome. The recording runs where the store completes (a Hazelcast response thread), before the
 * room's thread is handed the result, so it measures the store and not the room thread's queue.
 *
 * <p>Outcomes: a write is {@code ok}, {@code stale} (refused: another epoch owns the room) or
 * {@code error}. A claim is {@code created} (a new room), {@code taken_over} (an existing room,
 * whether handed over by a drain, left by a dead owner, or reloaded here after going idle),
 * {@code owned_elsewhere} (a live node has it: redirected), {@code absent} or {@code error}.
 */
public final class MeteredRoomStore implements RoomStore {
    private static final String[] WRITE_RESULTS = {"ok", "stale", "error"};

    private final RoomStore delegate;
    private final Timer[] appends = new Timer[3];
    private final Timer[] snapshots = new Timer[3];
    private final Timer[] transfers = new Timer[3];
    private final Timer claimTime;
    private final Counter created;
    private final Counter takenOver;
    private final Counter ownedElsewhere;
    private final Counter absent;
    private final Counter claimErrors;

    public MeteredRoomStore(RoomStore delegate, MeterRegistry registry) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        for (int i = 0; i < 3; i++) {
            appends[i] = writeTimer(
                    registry,
                    "roomgate.replication.append",
                    "Appending accepted room events (one write per batch) to the replicated log, until stored with its backup",
                    WRITE_RESULTS[i]);
            snapshots[i] = writeTimer(
                    registry,
                    "roomgate.replication.snapshot",
                    "Replacing a snapshot room's replicated state",
                    WRITE_RESULTS[i]);
            transfers[i] = writeTimer(
                    registry,
                    "roomgate.replication.transfer",
                    "Handing a room's ownership to its successor (drain)",
                    WRITE_RESULTS[i]);
        }
        claimTime = Timer.builder("roomgate.replication.claim")
                .description("Claiming a room in the replicated store (a new epoch), whatever the outcome")
                .serviceLevelObjectives(slos())
                .register(registry);
        created = claim(registry, "created");
        takenOver = claim(registry, "taken_over");
        ownedElsewhere = claim(registry, "owned_elsewhere");
        absent = claim(registry, "absent");
        claimErrors = claim(registry, "error");
    }

    private static Timer writeTimer(MeterRegistry registry, String name, String description, String result) {
        return Timer.builder(name)
                .description(description)
                .tag("result", result)
                .serviceLevelObjectives(slos())
                .register(registry);
    }

    private static Duration[] slos() {
        return new Duration[] {
            Duration.ofMillis(1),
            Duration.ofMillis(2),
            Duration.ofMillis(5),
            Duration.ofMillis(10),
            Duration.ofMillis(25),
            Duration.ofMillis(50),
            Duration.ofMillis(100),
            Duration.ofMillis(250),
            Duration.ofSeconds(1)
        };
    }

    private static Counter claim(MeterRegistry registry, String outcome) {
        return Counter.builder("roomgate.node.claims")
                .description("Claims of rooms by this node, by outcome")
                .tag("outcome", outcome.toLowerCase(Locale.ROOT))
                .register(registry);
    }

    @Override
    public CompletionStage<Claim> claim(String roomId, String nodeId, Set<String> liveNodeIds, GameType createAs) {
        long start = System.nanoTime();
        return delegate.claim(roomId, nodeId, liveNodeIds, createAs).whenComplete((claim, failure) -> {
            claimTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (failure != null) {
                claimErrors.increment();
                return;
            }
            switch (claim.outcome()) {
                case CLAIMED -> (claim.record().getEpoch() == 1 ? created : takenOver).increment();
                case OWNED_ELSEWHERE -> ownedElsewhere.increment();
                case ABSENT -> absent.increment();
            }
        });
    }

    @Override
    public CompletionStage<Boolean> append(String roomId, long epoch, List<RoomEvent> events) {
        return timed(appends, () -> delegate.append(roomId, epoch, events));
    }

    @Override
    public CompletionStage<Boolean> snapshot(
            String roomId, long epoch, RoomState state, long sequence, List<ChatMessage> chat) {
        return timed(snapshots, () -> delegate.snapshot(roomId, epoch, state, sequence, chat));
    }

    @Override
    public CompletionStage<Boolean> transfer(String roomId, long epoch, String toNodeId) {
        return timed(transfers, () -> delegate.transfer(roomId, epoch, toNodeId));
    }

    @Override
    public CompletionStage<RoomRecord> read(String roomId) {
        return delegate.read(roomId);
    }

    private static CompletionStage<Boolean> timed(Timer[] byResult, Supplier<CompletionStage<Boolean>> write) {
        long start = System.nanoTime();
        return write.get()
                .whenComplete((ok, failure) -> byResult[failure != null ? 2 : Boolean.TRUE.equals(ok) ? 0 : 1].record(
                        System.nanoTime() - start, TimeUnit.NANOSECONDS));
    }
}
