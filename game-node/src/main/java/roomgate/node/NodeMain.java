package roomgate.node;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.cluster.ClusterNames;
import roomgate.cluster.LiveNodes;
import roomgate.placement.NodeInfo;
import roomgate.runtime.metrics.MetricsHttpServer;
import roomgate.cluster.HazelcastMetrics;
import roomgate.runtime.metrics.ProcessMetrics;
import roomgate.node.direct.DirectWebSocketServer;
import roomgate.node.link.NodeLinkServer;
import roomgate.node.metrics.NodeMetrics;
import roomgate.node.operations.DrainCommands;
import roomgate.node.operations.HostedRoomsPage;
import roomgate.node.operations.NodeStatusPublisher;
import roomgate.node.registry.RoomRegistry;
import roomgate.node.replication.HazelcastRoomStore;
import roomgate.node.replication.LocalRoomStore;
import roomgate.node.replication.MeteredRoomStore;
import roomgate.node.replication.RoomStore;
import roomgate.runtime.ReadyLine;
import roomgate.runtime.net.Transport;
import roomgate.cluster.NodeAttributes;

/**
 * Starts a game node: the node-link server, the Hazelcast member that says where it is, the room
 * registry with its store, and last the node's status, which is what makes gateways route to it.
 * On SIGTERM it drains (hands its rooms to their successors) and then exits.
 */
public final class NodeMain {
    private static final Logger log = LoggerFactory.getLogger(NodeMain.class);

    private NodeMain() {}

    public static void main(String[] args) throws Exception {
        NodeConfig config;
        try {
            config = NodeConfig.fromArgs(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("roomgate-node: " + e.getMessage());
            System.exit(2);
            return;
        }
        long pid = ProcessHandle.current().pid();
        RoomRegistry registry = RoomRegistry.instance();
        Transport transport = Transport.best();
        PrometheusMeterRegistry meters = ProcessMetrics.newRegistry();
        // Listening before joining, so the member can publish the real port; nobody routes here
        // before the status is published below, after the registry has started.
        NodeLinkServer links = NodeLinkServer.start(transport, config.linkHost(), config.linkPort(),
                config.ioThreads(), registry, meters);
        DirectWebSocketServer direct = config.wsPort() == NodeConfig.WS_OFF ? null
                : DirectWebSocketServer.start(transport, config.linkHost(), config.wsPort(), config.ioThreads(), registry);
        HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(HazelcastRoomStore.configure(
                config.hazelcast().toMemberConfig("roomgate-" + config.nodeId(), false,
                        NodeAttributes.of(config.nodeId(), config.linkHost(), links.port(), pid))));
        LiveNodes liveNodes = LiveNodes.follow(hazelcast);
        AutoCloseable processMeters = ProcessMetrics.bind(meters);
        new HazelcastMetrics(hazelcast).bindTo(meters);
        RoomStore store = new MeteredRoomStore(config.durability() == NodeConfig.Durability.REPLICATED
                ? new HazelcastRoomStore(hazelcast)
                : new LocalRoomStore(), meters);
        registry.start(new RoomRegistry.Settings(config.nodeId(), config.roomStripes(), config.idleRoomTtl(),
                config.reconnectGrace(), new NodeMetrics(meters)), store, liveNodes::current, liveNodes::memberNodeIds);
        hazelcast.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGING) {
                // We were cut off and the cluster went on without us: our rooms have new owners. Hazelcast
                // fires MERGING on its merge thread before this member rejoins, and waits for us: once
                // back in the gateways' view (MERGED comes a second later), no stale room may be served.
                log.warn("rejoining the cluster after a split; dropping every room this node held");
                try {
                    registry.dropAll().get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    log.warn("dropping the rooms did not finish: {}", e.toString());
                }
            }
        });
        NodeStatusPublisher status = new NodeStatusPublisher(hazelcast, registry, config.nodeId(),
                config.linkHost() + ":" + links.port(), pid);
        status.bindTo(meters);
        DrainCommands drain = new DrainCommands(registry, status);
        drain.listen(hazelcast, config.nodeId());
        status.start();
        MetricsHttpServer metricsHttp = MetricsHttpServer.start(config.metricsHost(), config.metricsPort(), meters,
                Map.of(HostedRoomsPage.PATH, new HostedRoomsPage(registry, config.nodeId())));

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (config.drainOnSigterm()) {
                log.info("node {} stopping: draining first", config.nodeId());
                try {
                    drain.drain().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    log.warn("drain did not finish: {}", e.toString());
                }
            }
            status.close();
            hazelcast.getMap(ClusterNames.NODE_COMMANDS_MAP).delete(config.nodeId());
            hazelcast.shutdown();
            links.close();
            if (direct != null) {
                direct.close();
            }
            registry.stop();
            metricsHttp.close();
            try {
                processMeters.close();
            } catch (Exception e) {
                log.warn("closing the process meters: {}", e.toString());
            }
        }, "shutdown"));

        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("node-id", config.nodeId());
        ready.put("link-port", links.port());
        if (direct != null) {
            ready.put("ws-port", direct.port());
        }
        ready.put("metrics-port", metricsHttp.port());
        ready.put("hz-port", hazelcast.getCluster().getLocalMember().getAddress().getPort());
        ready.put("pid", pid);
        ready.put("transport", transport);
        ready.put("durability", config.durability().name().toLowerCase(java.util.Locale.ROOT));
        System.out.println(ReadyLine.format("node", ready));
        System.out.flush();
    }
}
