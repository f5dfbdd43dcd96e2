package roomgate.systemtest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * A whole roomgate cluster on loopback for one test class: N game nodes and M gateways, each its own
 * JVM, in a Hazelcast cluster of their own (unique name and ports), so tests never meet a developer's
 * running system. Members start one after another: the first forms the cluster, the others join it.
 */
final class LocalCluster implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** Ports given out by {@link #freePort} in this JVM: two members must never be handed the same one. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private final String clusterName = "systest-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path logDir;
    private final List<Integer> hzPorts = new ArrayList<>();
    /** Concurrent: a {@link FenceWatch} reads it while a test adds nodes. */
    private final Map<String, ServiceProcess> nodes = new ConcurrentHashMap<>();

    private final List<ServiceProcess> gateways = new ArrayList<>();
    private final List<ServiceProcess> publishers = new ArrayList<>();
    private final List<String> nodeArgs;
    private final IntFunction<List<String>> gatewayArgs;
    private final Path linkSecretFile;
    private final Thread cleanup = new Thread(this::close, "local-cluster-cleanup");
    /** Member i runs on host "h(i+1)" of these hosts, on its address; null: every member on loopback. */
    private NetnsHosts hosts;
    /** process name -> the address it listens on */
    private final Map<String, String> addresses = new ConcurrentHashMap<>();
    /** The admin API's bearer token of this cluster's processes, made for it (and its file beside the logs). */
    private final String adminToken;

    private final Path adminTokenFile;

    private LocalCluster(Path logDir, int members, List<String> nodeArgs, IntFunction<List<String>> gatewayArgs)
            throws IOException {
        this.logDir = logDir;
        this.nodeArgs = List.copyOf(nodeArgs);
        this.gatewayArgs = gatewayArgs;
        // The secret every node and gateway of this cluster proves its links with, as the launcher makes one.
        Files.createDirectories(logDir);
        this.linkSecretFile = logDir.resolve("link-secret");
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        Files.writeString(linkSecretFile, java.util.HexFormat.of().formatHex(secret));
        // The admin API's bearer token, as the launcher makes one.
        byte[] token = new byte[24];
        new java.security.SecureRandom().nextBytes(token);
        this.adminToken = java.util.HexFormat.of().formatHex(token);
        this.adminTokenFile = Files.writeString(logDir.resolve("admin-token"), adminToken + "\n")
                .toAbsolutePath();
        for (int i = 0; i < members; i++) {
            hzPorts.add(freePort());
        }
        // If the test JVM is stopped, its children are stopped too.
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    static LocalCluster start(String testName, int nodeCount, int gatewayCount) throws Exception {
        return start(testName, nodeCount, gatewayCount, List.of(), gateway -> List.of());
    }

    /** As {@link #start(String, int, int)}, each gateway also given {@code gatewayArgs}. */
    static LocalCluster start(String testName, int nodeCount, int gatewayCount, List<String> gatewayArgs)
            throws Exception {
        return start(testName, nodeCount, gatewayCount, List.of(), gateway -> gatewayArgs);
    }

    /**
     * With extra flags for every node (e.g. {@code --ws-port 0}) and for gateway i (0-based; e.g.
     * {@code --record-rooms}).
     */
    static LocalCluster start(
            String testName,
            int nodeCount,
            int gatewayCount,
            List<String> nodeArgs,
            IntFunction<List<String>> gatewayArgs)
            throws Exception {
        return start(testName, nodeCount, gatewayCount, nodeArgs, gatewayArgs, null);
    }

    /**
     * With member i (nodes first, then gateways, then members added later) in the network namespace
     * of host {@code h(i+1)} of {@code hosts}, listening on that host's address only.
     */
    static LocalCluster start(
            String testName,
            int nodeCount,
            int gatewayCount,
            List<String> nodeArgs,
            IntFunction<List<String>> gatewayArgs,
            NetnsHosts hosts)
            throws Exception {
        LocalCluster cluster = new LocalCluster(
                Path.of("target", "system-test-logs", testName), nodeCount + gatewayCount, nodeArgs, gatewayArgs);
        cluster.hosts = hosts;
        try {
            // One at a time: on a 2-core machine, JVMs booting together stall each other for seconds,
            // long enough for Hazelcast to suspect members that are merely slow to start.
            for (int i = 1; i <= nodeCount; i++) {
                cluster.startNode("node-" + i, i - 1).awaitReady(READY_TIMEOUT);
            }
            for (int i = 1; i <= gatewayCount; i++) {
                cluster.startGateway("gw-" + i, nodeCount + i - 1).awaitReady(READY_TIMEOUT);
            }
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** The file with this cluster's link secret, given to every node and gateway ({@code --link-secret-file}). */
    Path linkSecretFile() {
        return linkSecretFile;
    }

    /** The address member {@code memberIndex} listens on: its host's, or loopback. */
    private String address(int memberIndex) {
        return hosts == null ? "127.0.0.1" : hosts.host("h" + (memberIndex + 1)).address();
    }

    /** How member {@code memberIndex}'s java is started: in its host's namespace, if it has one. */
    private List<String> launcher(int memberIndex) {
        return hosts == null
                ? List.of()
                : List.of(
                        "ip",
                        "netns",
                        "exec",
                        hosts.host("h" + (memberIndex + 1)).namespace());
    }

    /** The address {@code name} (a node or gateway of this cluster) listens on. */
    String addressOf(String name) {
        return addresses.getOrDefault(name, "127.0.0.1");
    }

    private List<String> hazelcastArgs(int memberIndex) {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < hzPorts.size(); i++) {
            list.add(address(i) + ":" + hzPorts.get(i));
        }
        String members = String.join(",", list);
        List<String> args = new ArrayList<>(List.of(
                "--cluster-name",
                clusterName,
                "--hz-port",
                Integer.toString(hzPorts.get(memberIndex)),
                "--hz-members",
                members));
        // Five seconds unless the test chose its own (the same for every member).
        if (!nodeArgs.contains("--heartbeat-timeout-seconds")) {
            args.addAll(List.of("--heartbeat-timeout-seconds", "5"));
        }
        if (hosts != null) {
            args.addAll(List.of("--hz-host", address(memberIndex)));
        }
        return args;
    }

    /**
     * The archive every process of this cluster shares unless a test names its own: an H2 file in the
     * test's log folder (the embedded default, but not in the module's working directory).
     */
    String archiveUrl() {
        return "jdbc:h2:file:" + logDir.toAbsolutePath().resolve("archive") + ";AUTO_SERVER=TRUE";
    }

    /**
     * Gateways run with {@code --auth none} unless a test names its own {@code --auth} (see
     * {@link #jwtHs256}), and all read one session key file, so a client resumes through any of them.
     */
    private List<String> withAuth(List<String> args) throws IOException {
        List<String> all = new ArrayList<>(args);
        if (!all.contains("--auth")) {
            all.addAll(List.of("--auth", "none"));
        }
        if (!all.contains("--session-key-file")) {
            Path key = logDir.toAbsolutePath().resolve("session.key");
            if (!Files.exists(key)) {
                Files.createDirectories(logDir);
                Files.writeString(key, UUID.randomUUID() + "-" + UUID.randomUUID());
            }
            all.addAll(List.of("--session-key-file", key.toString()));
        }
        return all;
    }

    /** Gateway flags for client tokens signed with the HS256 secret in {@code keyFile}, audience "roomgate". */
    static List<String> jwtHs256(Path keyFile) {
        return List.of(
                "--auth",
                "jwt",
                "--auth-hs256-key-file",
                keyFile.toAbsolutePath().toString());
    }

    private List<String> withArchive(List<String> args) {
        List<String> all = new ArrayList<>(args);
        if (!all.contains("--archive-jdbc-url")) {
            all.addAll(List.of("--archive-jdbc-url", archiveUrl()));
        }
        return all;
    }

    private ServiceProcess startNode(String nodeId, int memberIndex) throws IOException {
        List<String> args = new ArrayList<>(
                List.of("--node-id", nodeId, "--link-port", "0", "--admin-token-file", adminTokenFile.toString()));
        if (hosts != null) {
            args.addAll(List.of("--link-host", address(memberIndex), "--metrics-host", address(memberIndex)));
        }
        addresses.put(nodeId, address(memberIndex));
        args.addAll(withArchive(nodeArgs));
        args.addAll(hazelcastArgs(memberIndex));
        args.addAll(List.of("--link-secret-file", linkSecretFile.toString()));
        // The direct listener is the benchmarks' own node variant, not the product's.
        String main =
                nodeArgs.contains("--ws-port") ? "roomgate.bench.direct.DirectNodeMain" : "roomgate.node.NodeMain";
        ServiceProcess node = ServiceProcess.start(nodeId, main, args, logDir, launcher(memberIndex));
        nodes.put(nodeId, node);
        return node;
    }

    private ServiceProcess startGateway(String gatewayId, int memberIndex) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "--gateway-id",
                gatewayId,
                "--port",
                "0",
                "--admin-port",
                "0",
                "--io-threads",
                "2",
                "--admin-token-file",
                adminTokenFile.toString()));
        if (hosts != null) {
            args.addAll(List.of("--host", address(memberIndex), "--admin-host", address(memberIndex)));
        }
        addresses.put(gatewayId, address(memberIndex));
        args.addAll(withAuth(withArchive(gatewayArgs.apply(gateways.size()))));
        args.addAll(hazelcastArgs(memberIndex));
        args.addAll(List.of("--link-secret-file", linkSecretFile.toString()));
        ServiceProcess gateway =
                ServiceProcess.start(gatewayId, "roomgate.gateway.GatewayMain", args, logDir, launcher(memberIndex));
        gateways.add(gateway);
        return gateway;
    }

    /**
     * Starts a feed publisher ({@code roomgate.feed.FeedMain}) with {@code args} as one more
     * member of this cluster; it is ready once it has joined and is about to publish.
     */
    ServiceProcess startPublisher(String name, List<String> args) throws IOException {
        hzPorts.add(freePort());
        List<String> all = new ArrayList<>(args);
        all.addAll(hazelcastArgs(hzPorts.size() - 1));
        ServiceProcess publisher = ServiceProcess.start(name, "roomgate.feed.FeedMain", all, logDir);
        publishers.add(publisher);
        return publisher;
    }

    Map<String, ServiceProcess> nodes() {
        return nodes;
    }

    /** Starts one more node (it joins the running cluster) and waits until it is ready. */
    ServiceProcess addNode(String nodeId) throws Exception {
        hzPorts.add(freePort());
        ServiceProcess node = startNode(nodeId, hzPorts.size() - 1);
        node.awaitReady(READY_TIMEOUT);
        return node;
    }

    /** Starts one more gateway and waits until it is ready; returns its index. */
    int addGateway(String gatewayId) throws Exception {
        hzPorts.add(freePort());
        startGateway(gatewayId, hzPorts.size() - 1).awaitReady(READY_TIMEOUT);
        return gateways.size() - 1;
    }

    ServiceProcess gateway(int index) {
        return gateways.get(index);
    }

    URI admin(int gatewayIndex) {
        return URI.create("http://" + addressOf(gateways.get(gatewayIndex).name()) + ":"
                + gateways.get(gatewayIndex).readyFields().get("admin-port"));
    }

    /** The admin API's bearer token of this cluster, as an operator would type it into the console. */
    String adminToken() {
        return adminToken;
    }

    /** A request to gateway i's admin API, with the cluster's bearer token. */
    java.net.http.HttpRequest.Builder adminRequest(int gatewayIndex, String pathAndQuery) {
        return withAdminToken(
                java.net.http.HttpRequest.newBuilder(admin(gatewayIndex).resolve(pathAndQuery)));
    }

    /** {@code request} with the cluster's admin bearer token (admin API, a node's {@code /rooms}). */
    java.net.http.HttpRequest.Builder withAdminToken(java.net.http.HttpRequest.Builder request) {
        return request.header("Authorization", "Bearer " + adminToken);
    }

    URI websocket(int gatewayIndex) {
        return URI.create("ws://" + addressOf(gateways.get(gatewayIndex).name()) + ":"
                + gateways.get(gatewayIndex).readyFields().get("port") + "/ws");
    }

    /** A node's direct WebSocket listener (started with {@code --ws-port}). */
    URI directWebSocket(String nodeId) {
        return URI.create("ws://127.0.0.1:" + nodes.get(nodeId).readyFields().get("ws-port") + "/ws");
    }

    /** The gateway's client port over HTTP: {@code /games...}. */
    URI http(int gatewayIndex, String pathAndQuery) {
        return URI.create(
                "http://127.0.0.1:" + gateways.get(gatewayIndex).readyFields().get("port") + pathAndQuery);
    }

    URI health(int gatewayIndex) {
        return URI.create("http://" + addressOf(gateways.get(gatewayIndex).name()) + ":"
                + gateways.get(gatewayIndex).readyFields().get("port") + "/health");
    }

    /** A gateway's Prometheus scrape, on its admin port (the client port does not serve it). */
    URI gatewayMetrics(int gatewayIndex) {
        return admin(gatewayIndex).resolve("/metrics");
    }

    /** A node's Prometheus scrape, on the port its ready line names. */
    URI nodeMetrics(String nodeId) {
        return URI.create("http://" + addressOf(nodeId) + ":"
                + nodes.get(nodeId).readyFields().get("metrics-port") + "/metrics");
    }

    /**
     * Writes a thread dump of every live gateway and node next to its log ({@code NAME.threads.txt}),
     * for a test that failed: a stalled cluster is explained by what its threads were doing. Best
     * effort, never throws.
     */
    void dumpThreads(String reason) {
        List<ServiceProcess> all = new ArrayList<>(gateways);
        all.addAll(nodes.values());
        for (ServiceProcess p : all) {
            try {
                Path out = logDir.resolve(p.name() + ".threads.txt");
                Files.writeString(
                        out,
                        "=== " + Instant.now() + " " + reason + System.lineSeparator(),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                Process jcmd = new ProcessBuilder("jcmd", Long.toString(p.pid()), "Thread.print")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                        .start();
                jcmd.waitFor(20, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException | RuntimeException e) {
                System.err.println("thread dump of " + p.name() + " failed: " + e);
            }
        }
    }

    @Override
    public void close() {
        for (ServiceProcess publisher : publishers) {
            publisher.close();
        }
        for (ServiceProcess gateway : gateways) {
            gateway.close();
        }
        // Nodes are killed, not drained: a test's teardown need not move its rooms anywhere.
        for (ServiceProcess node : nodes.values()) {
            try {
                node.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException alreadyShuttingDown) {
            // Called from the hook itself.
        }
    }

    /**
     * A free loopback port below the kernel's ephemeral range, for a member list that names members
     * before they start. A port from bind(0) is in that range, and a member dialling it before its
     * owner listens may get that very port as its own source port (Hazelcast binds its outgoing
     * sockets to port 0): the socket connects to itself, the member takes the address for its own,
     * and refuses the real member when it joins ("Connecting to self!"; a gateway in
     * StickyRoutingSystemTest never became ready, 2026-11-27). No socket is given a port below the range.
     */
    private static synchronized int freePort() throws IOException {
        int ephemeralLow = 32768;
        try {
            // Not Files.readString: /proc files report size 0, and it returned only the first byte.
            ephemeralLow = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .get(0)
                    .trim()
                    .split("\\s+")[0]);
        } catch (IOException | RuntimeException unknown) {
            // Not Linux, or no /proc: Linux's default.
        }
        int low = Math.max(1024, ephemeralLow - 12_000);
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(low, ephemeralLow);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try {
                new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close();
                return port;
            } catch (IOException taken) {
                // In use: try another.
            }
        }
        throw new IOException("no free port in " + low + ".." + (ephemeralLow - 1));
    }
}
