package roomgate.systemtest;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * A whole roomgate cluster on loopback for one test class: N game nodes and M gateways, each its own
 * JVM, in a Hazelcast cluster of their own (unique name and ports), so tests never meet a developer's
 * running system. The first node starts alone so that it forms the cluster; the others then join it.
 */
final class LocalCluster implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final String clusterName = "systest-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path logDir;
    private final List<Integer> hzPorts = new ArrayList<>();
    private final Map<String, ServiceProcess> nodes = new LinkedHashMap<>();
    private final List<ServiceProcess> gateways = new ArrayList<>();
    private final Thread cleanup = new Thread(this::close, "local-cluster-cleanup");

    private LocalCluster(Path logDir, int members) throws IOException {
        this.logDir = logDir;
        for (int i = 0; i < members; i++) {
            hzPorts.add(freePort());
        }
        // If the test JVM is stopped, its children are stopped too.
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    static LocalCluster start(String testName, int nodeCount, int gatewayCount) throws Exception {
        return start(testName, nodeCount, gatewayCount, List.of(), gateway -> List.of());
    }

    /**
     * With extra flags for every node (e.g. {@code --ws-port 0}) and for gateway i (0-based; e.g.
     * {@code --record-rooms}).
     */
    static LocalCluster start(String testName, int nodeCount, int gatewayCount, List<String> nodeArgs,
            IntFunction<List<String>> gatewayArgs) throws Exception {
        LocalCluster cluster = new LocalCluster(Path.of("target", "system-test-logs", testName), nodeCount + gatewayCount);
        try {
            cluster.startNode("node-1", 0, nodeArgs).awaitReady(READY_TIMEOUT);
            List<ServiceProcess> started = new ArrayList<>();
            for (int i = 2; i <= nodeCount; i++) {
                started.add(cluster.startNode("node-" + i, i - 1, nodeArgs));
            }
            for (int i = 1; i <= gatewayCount; i++) {
                started.add(cluster.startGateway("gw-" + i, nodeCount + i - 1, gatewayArgs.apply(i - 1)));
            }
            for (ServiceProcess p : started) {
                p.awaitReady(READY_TIMEOUT);
            }
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    private List<String> hazelcastArgs(int memberIndex) {
        String members = hzPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        return List.of("--cluster-name", clusterName, "--hz-port", Integer.toString(hzPorts.get(memberIndex)),
                "--hz-members", members, "--heartbeat-timeout-seconds", "5");
    }

    private ServiceProcess startNode(String nodeId, int memberIndex, List<String> extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--node-id", nodeId, "--link-port", "0"));
        args.addAll(hazelcastArgs(memberIndex));
        args.addAll(extra);
        ServiceProcess node = ServiceProcess.start(nodeId, "roomgate.node.NodeMain", args, logDir);
        nodes.put(nodeId, node);
        return node;
    }

    private ServiceProcess startGateway(String gatewayId, int memberIndex, List<String> extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--gateway-id", gatewayId, "--port", "0", "--io-threads", "2"));
        args.addAll(hazelcastArgs(memberIndex));
        args.addAll(extra);
        ServiceProcess gateway = ServiceProcess.start(gatewayId, "roomgate.gateway.GatewayMain", args, logDir);
        gateways.add(gateway);
        return gateway;
    }

    Map<String, ServiceProcess> nodes() {
        return nodes;
    }

    URI websocket(int gatewayIndex) {
        return URI.create("ws://127.0.0.1:" + gateways.get(gatewayIndex).readyFields().get("port") + "/ws");
    }

    /** A node's direct WebSocket listener (started with {@code --ws-port}). */
    URI directWebSocket(String nodeId) {
        return URI.create("ws://127.0.0.1:" + nodes.get(nodeId).readyFields().get("ws-port") + "/ws");
    }

    ServiceProcess gateway(int gatewayIndex) {
        return gateways.get(gatewayIndex);
    }

    URI health(int gatewayIndex) {
        return URI.create("http://127.0.0.1:" + gateways.get(gatewayIndex).readyFields().get("port") + "/health");
    }

    @Override
    public void close() {
        for (ServiceProcess gateway : gateways) {
            gateway.close();
        }
        for (ServiceProcess node : nodes.values()) {
            node.close();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException alreadyShuttingDown) {
            // Called from the hook itself.
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

}
