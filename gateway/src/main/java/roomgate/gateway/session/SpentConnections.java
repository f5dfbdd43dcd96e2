package roomgate.gateway.session;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Connections whose seats a resume has taken back: the first {@link #spend} of a connection id wins,
 * every later one, from any caller, loses. The gateway uses the cluster's
 * ({@link HazelcastSpentConnections}); {@link #inProcess} serves one gateway alone (tests).
 */
@FunctionalInterface
public interface SpentConnections {
    /**
     * Spends {@code connectionId}: completes with true if this call was the first, false if it was
     * spent before; exceptionally if that cannot be known (the cluster did not answer). Never blocks.
     */
    CompletionStage<Boolean> spend(String connectionId);

    /**
     * Spent ids kept in this process for {@code keepFor} (then forgotten: their tokens have expired),
     * timed by {@code nanoClock} (as System.nanoTime).
     */
    static SpentConnections inProcess(Duration keepFor, LongSupplier nanoClock) {
        Map<String, Long> spentUntil = new ConcurrentHashMap<>();
        return connectionId -> {
            long now = nanoClock.getAsLong();
            if (spentUntil.size() >= 1024) {
                spentUntil.values().removeIf(until -> until - now < 0);
            }
            AtomicBoolean first = new AtomicBoolean();
            spentUntil.compute(connectionId, (id, until) -> {
                if (until != null && until - now >= 0) {
                    return until;
                }
                first.set(true);
                return now + keepFor.toNanos();
            });
            return CompletableFuture.completedFuture(first.get());
        };
    }
}
