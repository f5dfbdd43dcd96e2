package roomgate.gateway.games;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import roomgate.cluster.ClusterNames;

/**
 * The archive's backlog for {@code /health}: the finished rooms waiting in the cluster
 * ({@code roomgate.archive-queue}'s size), sampled every {@link #PERIOD_SECONDS} s on a thread of its
 * own (a sample asks every member; never on an event loop); -1 while unknown.
 *
 * <p>A sample asks every partition, and below the rooms' quorum every partition refuses it with a
 * Java-serialized exception and its stack trace, which the gateway deserializes on Hazelcast's
 * response thread: 271 of them per sample. So after a refused sample the sampler only probes, with
 * one read of one partition, which the quorum guards as it does all of them; the next sample is
 * taken once a probe passes. Below the quorum that is one refusal per period instead of one per
 * partition, and the figure is back within a period of the quorum's return.
 */
public final class ArchiveBacklogSampler {
    static final long PERIOD_SECONDS = 2;

    /** The queue as the sampler asks it; both calls throw when the cluster refuses. */
    interface Queue {
        /** Entries in the whole cluster: one operation per partition. */
        long size();

        /** One read of one partition, to learn whether the cluster answers at all. */
        void probe();
    }

    private final Queue queue;
    private volatile long backlog = -1;
    private boolean refused;

    ArchiveBacklogSampler(Queue queue) {
        this.queue = queue;
    }

    /** Samples {@code hazelcast}'s archive queue on {@code scheduler}, the first time at once. */
    public static ArchiveBacklogSampler start(HazelcastInstance hazelcast, ScheduledExecutorService scheduler) {
        ArchiveBacklogSampler sampler = new ArchiveBacklogSampler(of(hazelcast.getMap(ClusterNames.ARCHIVE_QUEUE_MAP)));
        scheduler.scheduleWithFixedDelay(sampler::sample, 0, PERIOD_SECONDS, TimeUnit.SECONDS);
        return sampler;
    }

    static Queue of(IMap<String, Long> map) {
        return new Queue() {
            @Override
            public long size() {
                return map.size();
            }

            @Override
            public void probe() {
                // Any key: its partition's owner checks the quorum before it looks for the key.
                map.containsKey("archive-backlog-probe");
            }
        };
    }

    /** Finished rooms waiting in the cluster as last sampled; -1 before the first sample and while refused. */
    public long backlog() {
        return backlog;
    }

    /** One round: a sample, or after a refusal a probe first. Called on the sampler's one thread. */
    void sample() {
        try {
            if (refused) {
                queue.probe();
            }
            backlog = queue.size();
            refused = false;
        } catch (RuntimeException e) {
            // Below the quorum, or leaving the cluster: unknown until a probe passes.
            backlog = -1;
            refused = true;
        }
    }
}
