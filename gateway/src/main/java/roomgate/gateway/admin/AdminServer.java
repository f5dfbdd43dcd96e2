package roomgate.gateway.admin;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.cluster.ClusterNames;
import roomgate.cluster.LiveNodes;
import roomgate.cluster.NodeAttributes;
import roomgate.gateway.web.WebAssets;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;
import roomgate.protocol.admin.v1.NodeList;
import roomgate.protocol.admin.v1.NodeState;
import roomgate.protocol.admin.v1.NodeStatus;
import roomgate.protocol.admin.v1.PlacementDryRun;
import roomgate.protocol.admin.v1.RoomInfo;
import roomgate.protocol.store.v1.RoomRecord;
import roomgate.protocol.v1.RoomEvent;
import roomgate.runtime.http.AdminToken;
import roomgate.runtime.http.HttpReplies;
import roomgate.runtime.metrics.MetricsHttpServer;

/**
 * The operators' API, JSON over HTTP on its own port (loopback by default), separate from the client
 * port so it can be firewalled apart. It runs on its own small thread pool, never on the Netty event
 * loops, because it calls Hazelcast. Routes:
 * <ul>
 *   <li>{@code GET /nodes}: each node's id, address, state, rooms, sessions, epoch range, and whether
 *       the cluster is safe (every record backed up again) to lose another node;</li>
 *   <li>{@code GET /rooms/ID}: a room's owner, epoch, last sequence and participants;</li>
 *   <li>{@code POST /nodes/ID/drain}: drain a node (it hands its rooms over and takes no new ones);</li>
 *   <li>{@code GET /placement/dry-run?add=ID} or {@code ?remove=ID}: what adding or removing a node
 *       would move.</li>
 *   <li>{@code GET /metrics}: the gateway's meters in Prometheus' text format.</li>
 *   <li>{@code GET /console/}: the operator console, a page that calls the routes above
 *       ({@link ConsoleHandler}).</li>
 * </ul>
 * Every route but {@code /metrics} needs {@code Authorization: Bearer <token>} with the token of
 * {@code --admin-token-file} ({@link AdminToken}); without it the answer is 401 and nothing runs.
 * {@code /metrics} is open on this port (never on the client port): Prometheus and probes scrape it
 * without a secret, and it carries counts only, no ids or addresses. Static pages (the console) are
 * mounted with {@link #mountStatic}: they hold no data, and every API call they make carries the token.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final JsonFormat.Printer JSON = JsonFormat.printer().alwaysPrintFieldsWithNoPresence();
    /** Room ids sampled to estimate how new placements shift; the estimate's error is about 1%. */
    static final int PLACEMENT_SAMPLE = 10_000;

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "admin-http");
        t.setDaemon(true);
        return t;
    });
    private final HazelcastInstance hazelcast;
    private final LiveNodes liveNodes;
    private final IMap<String, byte[]> rooms;
    private final IMap<String, String> commands;

    private AdminServer(HttpServer server, HazelcastInstance hazelcast, LiveNodes liveNodes) {
        this.server = server;
        this.hazelcast = hazelcast;
        this.liveNodes = liveNodes;
        this.rooms = hazelcast.getMap(ClusterNames.ROOMS_MAP);
        this.commands = hazelcast.getMap(ClusterNames.NODE_COMMANDS_MAP);
    }

    /** Binds {@code host:port}; {@code GET /metrics} serves {@code meters} if not null. */
    public static AdminServer start(
            String host,
            int port,
            AdminToken token,
            HazelcastInstance hazelcast,
            LiveNodes liveNodes,
            PrometheusMeterRegistry meters)
            throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 64);
        AdminServer admin = new AdminServer(http, hazelcast, liveNodes);
        http.setExecutor(admin.threads);
        http.createContext("/", token.guard(admin::handle));
        admin.mountStatic(ConsoleHandler.PATH, new ConsoleHandler(WebAssets.console()));
        if (meters != null) {
            http.createContext(MetricsHttpServer.PATH, MetricsHttpServer.handler(meters));
        }
        http.start();
        return admin;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Serves {@code handler} under {@code pathPrefix} (e.g. {@code /console/}) without the token: for
     * static files only, which hold no data of the cluster; the API they call checks the token.
     */
    public void mountStatic(String pathPrefix, HttpHandler handler) {
        server.createContext(pathPrefix, handler);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            String[] path = uri.getPath().replaceAll("^/+|/+$", "").split("/");
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && path.length == 1 && path[0].equals("nodes")) {
                respond(exchange, 200, nodes());
            } else if (method.equals("GET") && path.length == 2 && path[0].equals("rooms")) {
                RoomInfo room = room(path[1]);
                if (room == null) {
                    error(exchange, 404, "no room '" + path[1] + "'");
                } else {
                    respond(exchange, 200, room);
                }
            } else if (method.equals("POST")
                    && path.length == 3
                    && path[0].equals("nodes")
                    && path[2].equals("drain")) {
                if (liveNodes.current().byId(path[1]).isEmpty()) {
                    error(exchange, 404, "no live node '" + path[1] + "' (see GET /nodes)");
                } else {
                    commands.set(path[1], "DRAIN");
                    respond(
                            exchange,
                            202,
                            NodeStatus.newBuilder()
                                    .setNodeId(path[1])
                                    .setState(NodeState.DRAINING)
                                    .build());
                }
            } else if (method.equals("GET") && path.length == 1 && path[0].equals("archive")) {
                // The finished rooms waiting in the cluster for the archive (all of them, while its database is down).
                send(
                        exchange,
                        200,
                        "{\"backlog\":"
                                + hazelcast
                                        .getMap(ClusterNames.ARCHIVE_QUEUE_MAP)
                                        .size() + "}");
            } else if (method.equals("GET")
                    && path.length == 2
                    && path[0].equals("placement")
                    && path[1].equals("dry-run")) {
                Map<String, String> query = query(uri.getRawQuery());
                if (query.containsKey("add") == query.containsKey("remove")) {
                    error(exchange, 400, "expected exactly one of ?add=NODE_ID or ?remove=NODE_ID");
                } else {
                    respond(exchange, 200, dryRun(query.get("add"), query.get("remove")));
                }
            } else {
                error(
                        exchange,
                        404,
                        "no such route: " + method + " " + uri.getPath()
                                + " (expected: GET /nodes, GET /rooms/ID, POST /nodes/ID/drain, GET /placement/dry-run?add=ID|remove=ID,"
                                + " GET /archive)");
            }
        } catch (RuntimeException | Error e) {
            log.warn("admin request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            error(exchange, 500, e.toString());
        }
    }

    private NodeList nodes() {
        NodeView view = liveNodes.current();
        Map<String, NodeStatus> statuses = liveNodes.statuses();
        NodeList.Builder list = NodeList.newBuilder()
                .setViewVersion(view.version())
                .setClusterSafe(hazelcast.getPartitionService().isClusterSafe());
        for (NodeInfo node : view.nodes()) {
            NodeStatus published = statuses.getOrDefault(node.nodeId(), NodeStatus.getDefaultInstance());
            list.addNodes(published.toBuilder()
                    .setNodeId(node.nodeId())
                    .setLinkAddress(node.linkHost() + ":" + node.linkPort())
                    .setPid(node.pid()));
        }
        return list.build();
    }

    private String recordPrimary(String roomId) {
        Member owner = hazelcast.getPartitionService().getPartition(roomId).getOwner();
        return owner == null
                ? ""
                : NodeAttributes.nodeOf(owner).map(NodeInfo::nodeId).orElse("");
    }

    private RoomInfo room(String roomId) {
        byte[] bytes = rooms.get(roomId);
        if (bytes == null) {
            return null;
        }
        RoomRecord record;
        try {
            record = RoomRecord.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt record for room " + roomId, e);
        }
        List<String> participants = new ArrayList<>();
        long last = record.getSnapshotSequence();
        for (RoomEvent event : record.getEventsList()) {
            last = event.getSequence();
            if (event.hasParticipantJoined()) {
                participants.add(event.getParticipantJoined().getParticipant().getParticipantId());
            } else if (event.hasParticipantLeft()) {
                participants.remove(event.getParticipantLeft().getParticipant().getParticipantId());
            }
        }
        return RoomInfo.newBuilder()
                .setRoomId(roomId)
                .setOwnerNodeId(record.getOwnerNodeId())
                .setEpoch(record.getEpoch())
                .setLastSequence(last)
                .addAllParticipants(participants)
                .setGameType(record.getGameType().name())
                .setRecordPrimaryNodeId(recordPrimary(roomId))
                .build();
    }

    private PlacementDryRun dryRun(String add, String remove) {
        NodeView before = liveNodes.current();
        List<NodeInfo> nodes = new ArrayList<>(before.nodes());
        if (add != null) {
            nodes.add(new NodeInfo(add, "127.0.0.1", 0, 0, new java.util.UUID(0, 0)));
        } else {
            nodes.removeIf(n -> n.nodeId().equals(remove));
        }
        NodeView after = NodeView.of(before.version() + 1, nodes);
        Map<String, Double> shareBefore = new HashMap<>();
        Map<String, Double> shareAfter = new HashMap<>();
        int moved = 0;
        for (int i = 0; i < PLACEMENT_SAMPLE; i++) {
            String roomId = "dry-run-" + i;
            NodeInfo was = before.ownerOf(roomId);
            NodeInfo now = after.ownerOf(roomId);
            if (was != null) {
                shareBefore.merge(was.nodeId(), 1.0 / PLACEMENT_SAMPLE, Double::sum);
            }
            if (now != null) {
                shareAfter.merge(now.nodeId(), 1.0 / PLACEMENT_SAMPLE, Double::sum);
            }
            if (was != null && (now == null || !now.nodeId().equals(was.nodeId()))) {
                moved++;
            }
        }
        int liveMoving = remove == null
                ? 0
                : liveNodes
                        .statuses()
                        .getOrDefault(remove, NodeStatus.getDefaultInstance())
                        .getRooms();
        return PlacementDryRun.newBuilder()
                .setChange(add != null ? "add " + add : "remove " + remove)
                .setLiveRoomsMoving(liveMoving)
                .setNewPlacementsMoving((double) moved / PLACEMENT_SAMPLE)
                .putAllShareBefore(shareBefore)
                .putAllShareAfter(shareAfter)
                .build();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(
                            pair.substring(0, eq),
                            java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    private static void respond(HttpExchange exchange, int status, Message body) throws IOException {
        try {
            send(exchange, status, JSON.print(body));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        send(exchange, status, "{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        HttpReplies.send(exchange, status, "application/json", (json + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
