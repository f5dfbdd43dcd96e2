package roomgate.node.operations;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.cluster.ClusterNames;
import roomgate.node.registry.RegistryStats;
import roomgate.node.registry.RoomRegistry;
import roomgate.protocol.admin.v1.NodeState;
import roomgate.protocol.admin.v1.NodeStatus;

/**
 * Publishes this node's status (ACTIVE or DRAINING, rooms, sessions, epoch range) to the cluster
 * every second. Gateways route to a node only once this member has published (a status names the
 * member UUID that wrote it), and stop placing new rooms on it when it says DRAINING. Runs on its
 * own thread: Hazelcast calls block. The same status is a pair of gauges ({@link #bindTo}): the
 * node's state, and its connected sessions as of the last publication (at most a second old), so a
 * scrape never waits for the room threads.
 */
public final class NodeStatusPublisher implements AutoCloseable, MeterBinder {
    private static final Logger log = LoggerFactory.getLogger(NodeStatusPublisher.class);

    private final IMap<String, byte[]> statuses;
    private final Cluster cluster;
    private final RoomRegistry registry;
    private final NodeStatus identity;
    private volatile RegistryStats lastStats = new RegistryStats(0, 0, 0, 0);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "node-status");
        t.setDaemon(true);
        return t;
    });

    public NodeStatusPublisher(
            HazelcastInstance hazelcast, RoomRegistry registry, String nodeId, String linkAddress, long pid) {
        this.statuses = hazelcast.getMap(ClusterNames.NODE_STATUS_MAP);
        this.cluster = hazelcast.getCluster();
        this.registry = registry;
        this.identity = NodeStatus.newBuilder()
                .setNodeId(nodeId)
                .setLinkAddress(linkAddress)
                .setPid(pid)
                .build();
    }

    /** Publishes once now (the node becomes routable), then every second. */
    public void start() {
        publish();
        timer.scheduleWithFixedDelay(this::publishQuietly, 1, 1, TimeUnit.SECONDS);
    }

    /** Publishes at once, e.g. when the node starts draining. */
    public void publishNow() {
        timer.execute(this::publishQuietly);
    }

    private void publishQuietly() {
        try {
            publish();
        } catch (RuntimeException e) {
            log.warn("could not publish node status: {}", e.toString());
        }
    }

    private void publish() {
        RegistryStats stats = registry.stats().orTimeout(2, TimeUnit.SECONDS).join();
        lastStats = stats;
        statuses.set(
                identity.getNodeId(),
                identity.toBuilder()
                        .setState(registry.isDraining() ? NodeState.DRAINING : NodeState.ACTIVE)
                        .setRooms((int) stats.rooms())
                        .setSessions((int) stats.sessions())
                        .setMinEpoch(stats.minEpoch())
                        .setMaxEpoch(stats.maxEpoch())
                        .setUpdatedMs(System.currentTimeMillis())
                        // Read on each publication: Hazelcast gives this member a new UUID when it rejoins after a
                        // split.
                        .setMemberUuid(cluster.getLocalMember().getUuid().toString())
                        .build()
                        .toByteArray());
    }

    @Override
    public void bindTo(MeterRegistry meters) {
        Gauge.builder("roomgate.node.state", registry, r -> r.isDraining() ? 2 : 1)
                .description("The node's state: 1 ACTIVE, 2 DRAINING (takes no new rooms, hands its rooms over)")
                .strongReference(true)
                .register(meters);
        Gauge.builder("roomgate.node.sessions", this, p -> p.lastStats.sessions())
                .description("Client sessions connected to this node's rooms, as of the last status (at most 1 s old)")
                .strongReference(true)
                .register(meters);
    }

    /** Stops publishing and withdraws the status: gateways stop routing here. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            statuses.delete(identity.getNodeId());
        } catch (RuntimeException e) {
            log.warn("could not withdraw node status: {}", e.toString());
        }
    }
}
