package roomgate.gateway;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.cluster.LiveNodes;
import roomgate.gateway.recording.FileTrafficRecorder;
import roomgate.gateway.recording.RoomPattern;
import roomgate.gateway.recording.TrafficRecorder;
import roomgate.gateway.server.GatewayServer;
import roomgate.startup.ReadyLine;
import roomgate.transport.Transport;

/**
 * Starts a gateway: joins the cluster as a Hazelcast lite member (it holds no data, it only follows
 * which game nodes are live), then opens the client endpoint. Joining first means the gateway
 * knows the nodes before its first client arrives.
 */
public final class GatewayMain {
    private static final Logger log = LoggerFactory.getLogger(GatewayMain.class);

    private GatewayMain() {}

    public static void main(String[] args) throws Exception {
        GatewayConfig config;
        TrafficRecorder recorder = TrafficRecorder.OFF;
        try {
            config = GatewayConfig.fromArgs(args, System.getenv());
            if (config.recording() != null) {
                // Before joining the cluster: a bad pattern or an unwritable file stops us cleanly.
                RoomPattern rooms = RoomPattern.parse(config.recording().roomPattern());
                recorder = FileTrafficRecorder.start(rooms, config.recording().file(), config.gatewayId());
            }
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("roomgate-gateway: " + (e instanceof IOException
                    ? "--record-file: cannot create it (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")"
                    : e.getMessage()));
            System.exit(2);
            return;
        }
        HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(config.hazelcast().toMemberConfig(
                "roomgate-" + config.gatewayId(), true, Map.of()));
        LiveNodes liveNodes = LiveNodes.follow(hazelcast);
        Transport transport = Transport.best();
        GatewayServer server = GatewayServer.start(config, transport, liveNodes::current, recorder);

        TrafficRecorder started = recorder;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("gateway {} stopping", config.gatewayId());
            server.close();
            // After the server: every session has ended, so the file ends with their ends.
            started.close();
            hazelcast.shutdown();
        }, "shutdown"));

        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("gateway-id", config.gatewayId());
        ready.put("port", server.port());
        ready.put("hz-port", hazelcast.getCluster().getLocalMember().getAddress().getPort());
        ready.put("pid", ProcessHandle.current().pid());
        ready.put("transport", transport);
        System.out.println(ReadyLine.format("gateway", ready));
        System.out.flush();
    }
}
