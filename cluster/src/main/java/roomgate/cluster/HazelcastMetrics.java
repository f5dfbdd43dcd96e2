package roomgate.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;

/**
 * The little of Hazelcast an operator wants on a dashboard: is this member running, how many
 * members does it see, and is it the master (the oldest member, which coordinates membership and
 * partition migrations). Every gauge reads local state only: no cluster operation on a scrape.
 * Gauges hold this binder strongly: nothing else does, and Micrometer's default weak reference
 * would let it be collected, after which the gauges read NaN.
 */
public final class HazelcastMetrics implements MeterBinder {
    private final HazelcastInstance hazelcast;

    public HazelcastMetrics(HazelcastInstance hazelcast) {
        this.hazelcast = Objects.requireNonNull(hazelcast, "hazelcast");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(
                        "roomgate.hazelcast.running",
                        this,
                        m -> m.hazelcast.getLifecycleService().isRunning() ? 1 : 0)
                .description("1 while this process's Hazelcast member runs, 0 after it shut down or was terminated")
                .strongReference(true)
                .register(registry);
        Gauge.builder("roomgate.hazelcast.members", this, m -> m.members(false))
                .description("Cluster members this member sees, lite members (gateways) included")
                .strongReference(true)
                .register(registry);
        Gauge.builder("roomgate.hazelcast.members.data", this, m -> m.members(true))
                .description("Data members (game nodes) this member sees")
                .strongReference(true)
                .register(registry);
        Gauge.builder("roomgate.hazelcast.master", this, HazelcastMetrics::master)
                .description("1 if this member is the cluster's master (its oldest member), else 0")
                .strongReference(true)
                .register(registry);
    }

    private double members(boolean dataOnly) {
        Set<Member> members = membersOrNull();
        if (members == null) {
            return Double.NaN;
        }
        return dataOnly ? members.stream().filter(m -> !m.isLiteMember()).count() : members.size();
    }

    private double master() {
        Set<Member> members = membersOrNull();
        if (members == null) {
            return Double.NaN;
        }
        Iterator<Member> oldest = members.iterator();
        return oldest.hasNext() && oldest.next().localMember() ? 1 : 0;
    }

    /** The member list, or null once the member is no longer running (it then throws). */
    private Set<Member> membersOrNull() {
        try {
            return hazelcast.getLifecycleService().isRunning()
                    ? hazelcast.getCluster().getMembers()
                    : null;
        } catch (RuntimeException notActive) {
            return null;
        }
    }
}
