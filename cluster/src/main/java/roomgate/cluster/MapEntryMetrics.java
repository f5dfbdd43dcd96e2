package roomgate.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Objects;

/**
 * Entries of the cluster maps that grow with games played (room records, the archive backlog) or with
 * resumes (spent resume connections, each kept one token lifetime), as this member owns them: summed
 * over the data members, the map's size without a cluster operation on a scrape. A soak watches them level off under churn. Bound on game nodes only (a lite member owns
 * no entries).
 */
public final class MapEntryMetrics implements MeterBinder {
    private static final List<String> MAPS =
            List.of(ClusterNames.ROOMS_MAP, ClusterNames.ARCHIVE_QUEUE_MAP, ClusterNames.SPENT_RESUMES_MAP);

    private final HazelcastInstance hazelcast;

    public MapEntryMetrics(HazelcastInstance hazelcast) {
        this.hazelcast = Objects.requireNonNull(hazelcast, "hazelcast");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String name : MAPS) {
            IMap<Object, Object> map = hazelcast.getMap(name);
            Gauge.builder("roomgate.hazelcast.map.entries", map, m -> owned(m))
                    .description("Entries of a cluster map this member owns (primary copies; backups not counted)")
                    .tag("map", name)
                    .strongReference(true)
                    .register(registry);
        }
    }

    private double owned(IMap<Object, Object> map) {
        return hazelcast.getLifecycleService().isRunning()
                ? map.getLocalMapStats().getOwnedEntryCount()
                : Double.NaN;
    }
}
