package roomgate.node;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.cluster.NodeInfo;
import roomgate.node.direct.DirectWebSocketServer;
import roomgate.node.link.NodeLinkServer;
import roomgate.node.registry.RoomRegistry;
import roomgate.startup.ReadyLine;
import roomgate.transport.Transport;

/**
 * Starts a game node: the room registry, the node-link server for gateways, then the Hazelcast
 * member that tells gateways where that server is. Joining the cluster comes last so that a node
 * is never routed to before it can serve.
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
        registry.start(config.nodeId(), config.roomStripes(), config.idleRoomTtl());
        Transport transport = Transport.best();
        NodeLinkServer links = NodeLinkServer.start(transport, config.linkHost(), config.linkPort(),
                config.ioThreads(), registry);
        DirectWebSocketServer direct = config.wsPort() == NodeConfig.WS_OFF ? null
                : DirectWebSocketServer.start(transport, config.linkHost(), config.wsPort(), config.ioThreads(), registry);
        HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(config.hazelcast().toMemberConfig(
                "roomgate-" + config.nodeId(), false,
                NodeInfo.attributesOf(config.nodeId(), config.linkHost(), links.port(), pid)));

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("node {} stopping", config.nodeId());
            hazelcast.shutdown();
            if (direct != null) {
                direct.close();
            }
            links.close();
            registry.stop();
        }, "shutdown"));

        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("node-id", config.nodeId());
        ready.put("link-port", links.port());
        if (direct != null) {
            ready.put("ws-port", direct.port());
        }
        ready.put("hz-port", hazelcast.getCluster().getLocalMember().getAddress().getPort());
        ready.put("pid", pid);
        ready.put("transport", transport);
        System.out.println(ReadyLine.format("node", ready));
        System.out.flush();
    }
}
