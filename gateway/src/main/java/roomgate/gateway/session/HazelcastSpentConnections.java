package roomgate.gateway.session;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import roomgate.cluster.ClusterNames;

/**
 * The cluster's spent connections: an entry per spent connection id in the map
 * {@link ClusterNames#SPENT_RESUMES_MAP}, kept for {@code keepFor} and then expired by Hazelcast.
 *
 * <p>Why a map: a spend must be atomic across gateways, survive the loss of a member, and cost
 * nothing once its tokens have expired. A map entry is written by one operation on the partition
 * that owns its key (so two gateways cannot both see it absent), with a synchronous backup, and its
 * time to live keeps the map as small as the resumes of one token lifetime. Alternatives fall short:
 * a set in each gateway is not cluster-wide; a replicated map is eventually consistent (two gateways
 * could both win); Hazelcast's CP structures need a CP subsystem of three or more members this
 * cluster does not run, and have no time to live; and a token alone, however signed, cannot know
 * it was used.
 *
 * <p>The write is {@code putAsync} with the previous value returned: the one put that finds no
 * entry wins, every later one finds the first's. {@code IMap} has no public {@code putIfAbsentAsync}
 * in Hazelcast 5 (only its internal proxy does); a put that overwrites an entry of a spent id changes
 * nothing that matters (the id stays spent; its time to live starts again, still bounded). A put
 * that Hazelcast retries after it was applied finds its own entry and loses: a false refusal, never
 * a second acceptance.
 */
public final class HazelcastSpentConnections implements SpentConnections {
    private final IMap<String, String> spent;
    private final String gatewayId;
    private final Duration keepFor;

    public HazelcastSpentConnections(HazelcastInstance hazelcast, String gatewayId, Duration keepFor) {
        this.spent = hazelcast.getMap(ClusterNames.SPENT_RESUMES_MAP);
        this.gatewayId = gatewayId;
        this.keepFor = keepFor;
    }

    @Override
    public CompletionStage<Boolean> spend(String connectionId) {
        CompletableFuture<Boolean> first = new CompletableFuture<>();
        // Completed on the thread that completes Hazelcast's future: Hazelcast would otherwise run the
        // stage in its default async executor (a new thread per callback on a two-core machine).
        spent.putAsync(connectionId, gatewayId, keepFor.toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync(
                        (previous, failure) -> {
                            if (failure != null) {
                                first.completeExceptionally(failure);
                            } else {
                                first.complete(previous == null);
                            }
                        },
                        Runnable::run);
        return first;
    }
}
