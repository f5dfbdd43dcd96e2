package roomgate.node;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.archive.ArchiveDatabase;
import roomgate.archive.ArchiveWriter;
import roomgate.archive.Archiver;
import roomgate.cluster.ClusterNames;
import roomgate.cluster.HazelcastMetrics;
import roomgate.cluster.LiveNodes;
import roomgate.cluster.MapEntryMetrics;
import roomgate.cluster.NodeAttributes;
import roomgate.node.archive.HazelcastArchiveBacklog;
import roomgate.node.link.NodeLinkServer;
import roomgate.node.metrics.NodeMetrics;
import roomgate.node.operations.DrainCommands;
import roomgate.node.operations.HostedRoomsPage;
import roomgate.node.operations.NodeStatusPublisher;
import roomgate.node.registry.RoomArchive;
import roomgate.node.registry.RoomRegistry;
import roomgate.node.replication.HazelcastRoomStore;
import roomgate.node.replication.LocalRoomStore;
import roomgate.node.replication.MeteredRoomStore;
import roomgate.node.replication.RoomStore;
import roomgate.runtime.Lifecycle;
import roomgate.runtime.ReadyLine;
import roomgate.runtime.http.AdminToken;
import roomgate.runtime.metrics.MetricsHttpServer;
import roomgate.runtime.metrics.ProcessMetrics;
import roomgate.runtime.net.Transport;

/**
 * Starts a game node: the node-link server, the Hazelcast member that says where it is, the room
 * registry with its store, and last the node's status, which is what makes gateways route to it.
 * On SIGTERM its lifecycle drains the node (hands its rooms to their successors) and then stops the
 * rest in the reverse order of their start.
 */
public final class NodeMain {
    private static final Logger log = LoggerFactory.getLogger(NodeMain.class);
    /** A drain that takes longer is given up; the rooms left are taken over as after a crash. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    /** What a started node offers to a {@link Variant}. */
    public record Started(NodeConfig config, RoomRegistry registry, Transport transport, Lifecycle lifecycle) {}

    /**
     * Something a variant of this main starts beside the node, before it joins the cluster (the
     * benchmarks' direct WebSocket listener, which is not part of the product). It registers its
     * own stop with the lifecycle and adds what it listens on to the ready line.
     */
    @FunctionalInterface
    public interface Variant {
        Variant NONE = (node, ready) -> {};

        void start(Started node, Map<String, Object> ready) throws Exception;
    }

    private NodeMain() {}

    /**
     * The archive's writer, on its own thread, over the cluster's backlog of finished rooms; or
     * {@link RoomArchive#NONE} when the archive is off (or rooms are not replicated: the backlog lives
     * beside the records in the cluster). The database need not be up: finished rooms wait.
     */
    private static RoomArchive startArchive(
            NodeConfig config,
            HazelcastInstance hazelcast,
            LiveNodes liveNodes,
            PrometheusMeterRegistry meters,
            Lifecycle lifecycle) {
        if (!config.archive().enabled()) {
            log.info("archive off: finished rooms leave memory and their records expire from the cluster");
            return RoomArchive.NONE;
        }
        if (config.durability() != NodeConfig.Durability.REPLICATED) {
            log.warn(
                    "archive off: it needs --durability replicated (its backlog waits beside the records in the cluster)");
            return RoomArchive.NONE;
        }
        ArchiveDatabase database =
                ArchiveDatabase.open(config.archive(), "archive-" + config.nodeId(), 2, Duration.ofSeconds(2));
        lifecycle.onStop("archive database", database::close);
        HazelcastArchiveBacklog backlog =
                new HazelcastArchiveBacklog(hazelcast, config.archiving().backlogLimit(), liveNodes::memberNodeIds);
        Gauge.builder("roomgate.archive.backlog.cluster", backlog, HazelcastArchiveBacklog::sizeInCluster)
                .description(
                        "Finished rooms waiting for the archive in the whole cluster (as of this node's last round)")
                .strongReference(true)
                .register(meters);
        Gauge.builder("roomgate.archive.backlog.limit", backlog, HazelcastArchiveBacklog::limit)
                .description("Finished rooms the cluster holds for the archive at most; above it they stay in memory")
                .strongReference(true)
                .register(meters);
        Archiver archiver = new Archiver(
                        backlog,
                        new ArchiveWriter(database, config.nodeId()),
                        config.archiving().batchSize(),
                        meters)
                .start(config.archiving().interval());
        lifecycle.onStop("archiver", archiver::close);
        log.info(
                "archive: {} every {} ms, batches of {}",
                config.archive(),
                config.archiving().interval().toMillis(),
                config.archiving().batchSize());
        return backlog;
    }

    public static void main(String[] args) throws Exception {
        run(args, Variant.NONE);
    }

    /** Parses {@code args} (exits with status 2 if they are wrong), starts the node and prints its ready line. */
    public static void run(String[] args, Variant variant) throws Exception {
        NodeConfig config;
        AdminToken roomsPage;
        try {
            config = NodeConfig.fromArgs(args, System.getenv());
            // Read before joining the cluster: a missing or short token stops the node cleanly.
            roomsPage = config.adminTokenFile() == null ? null : AdminToken.read(config.adminTokenFile());
        } catch (IllegalArgumentException e) {
            System.err.println("roomgate-node: " + e.getMessage());
            System.exit(2);
            return;
        }
        long pid = ProcessHandle.current().pid();
        Lifecycle lifecycle = Lifecycle.onShutdownHook("node " + config.nodeId());
        RoomRegistry registry = RoomRegistry.instance();
        Transport transport = config.transport();
        PrometheusMeterRegistry meters = ProcessMetrics.newRegistry();
        lifecycle.onStop("process meters", ProcessMetrics.bind(meters)::close);
        // Rooms stop last of the node's own parts: after the member has left and the links have
        // closed, no gateway can send this node a request for them any more.
        lifecycle.onStop("rooms", registry::stop);
        // Listening before joining, so the member can publish the real port; nobody routes here
        // before the status is published below, after the registry has started.
        NodeLinkServer links = NodeLinkServer.start(
                transport,
                config.linkHost(),
                config.linkPort(),
                config.ioThreads(),
                registry,
                meters,
                config.link(),
                config.link().auth());
        lifecycle.onStop("links", links::close);
        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("node-id", config.nodeId());
        ready.put("link-port", links.port());
        variant.start(new Started(config, registry, transport, lifecycle), ready);
        HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(HazelcastRoomStore.configure(config.hazelcast()
                .toMemberConfig(
                        "roomgate-" + config.nodeId(),
                        false,
                        NodeAttributes.of(config.nodeId(), config.linkHost(), links.port(), pid))));
        lifecycle.onStop("hazelcast", () -> {
            hazelcast.getMap(ClusterNames.NODE_COMMANDS_MAP).delete(config.nodeId());
            hazelcast.shutdown();
        });
        LiveNodes liveNodes = LiveNodes.follow(hazelcast);
        new HazelcastMetrics(hazelcast).bindTo(meters);
        new MapEntryMetrics(hazelcast).bindTo(meters);
        RoomStore store = new MeteredRoomStore(
                config.durability() == NodeConfig.Durability.REPLICATED
                        ? new HazelcastRoomStore(hazelcast)
                        : new LocalRoomStore(),
                meters);
        RoomArchive archive = startArchive(config, hazelcast, liveNodes, meters, lifecycle);
        registry.start(
                new RoomRegistry.Settings(
                        config.nodeId(),
                        config.roomStripes(),
                        config.idleRoomTtl(),
                        config.reconnectGrace(),
                        config.finishedGrace(),
                        archive,
                        new NodeMetrics(meters)),
                store,
                liveNodes::current,
                liveNodes::memberNodeIds);
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
        MetricsHttpServer metricsHttp = MetricsHttpServer.start(
                config.metricsHost(),
                config.metricsPort(),
                meters,
                Map.of(
                        HostedRoomsPage.PATH,
                        roomsPage == null
                                ? HostedRoomsPage.off()
                                : roomsPage.guard(new HostedRoomsPage(registry, config.nodeId()))));
        lifecycle.onStop("metrics endpoint", metricsHttp::close);
        NodeStatusPublisher status = new NodeStatusPublisher(
                hazelcast, registry, config.nodeId(), config.linkHost() + ":" + links.port(), pid);
        status.bindTo(meters);
        DrainCommands drain = new DrainCommands(registry, status);
        drain.listen(hazelcast, config.nodeId());
        status.start();
        lifecycle.onStop("status", status::close);
        if (config.drainOnSigterm()) {
            lifecycle.onStop("drain", DRAIN_TIMEOUT.plusSeconds(1), () -> {
                log.info("node {} stopping: draining first", config.nodeId());
                drain.drain().get(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            });
        }

        ready.put("metrics-port", metricsHttp.port());
        ready.put(
                "hz-port", hazelcast.getCluster().getLocalMember().getAddress().getPort());
        ready.put("pid", pid);
        ready.put("transport", transport);
        ready.put("durability", config.durability().name().toLowerCase(Locale.ROOT));
        ready.put("archive", archive == RoomArchive.NONE ? "off" : "on");
        System.out.println(ReadyLine.format("node", ready));
        System.out.flush();
    }
}
