package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static roomgate.systemtest.ChessMessages.join;
import static roomgate.systemtest.ChessMessages.move;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import roomgate.client.RoomgateClient;
import roomgate.client.RoomgateClient.Encoding;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.Ping;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.SendChat;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;

/**
 * The metrics end to end: two nodes and a gateway as separate JVMs, a little real traffic (two chess
 * rooms on different nodes, moves, an illegal move, a chat, a ping), then every process's
 * {@code /metrics} scraped and read as Prometheus would. Each documented meter is there and agrees
 * with the traffic the test made. Last, a drain moves one room, and the handoff shows on both nodes
 * and at the gateway.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsSystemTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<RoomgateClient> clients = new ArrayList<>();
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private LocalCluster cluster;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = LocalCluster.start("metrics", 2, 1);
    }

    @AfterAll
    void stopCluster() {
        clients.forEach(RoomgateClient::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    private RoomgateClient connect(Encoding encoding) throws Exception {
        RoomgateClient client = RoomgateClient.connect(cluster.websocket(0), encoding);
        clients.add(client);
        return client;
    }

    private static String ownerOf(RoomgateClient client, ClientMessage join) throws Exception {
        ServerMessage reply = client.request(join, TIMEOUT);
        assertThat(reply.hasJoined()).as("join reply %s", reply).isTrue();
        return reply.getJoined().getOwnerNodeId();
    }

    private static void play(RoomgateClient mover, String roomId, String uci) throws Exception {
        ServerMessage ack = mover.request(move(roomId, uci), TIMEOUT);
        assertThat(ack.getEvent().hasMoveMade()).as("ack of %s: %s", uci, ack).isTrue();
    }

    @Test
    void everyProcessServesItsMetersAndTheyAgreeWithTheTraffic() throws Exception {
        // Before any client: each of the gateway's 2 loops has a link to every node, opened with the view.
        for (String nodeId : cluster.nodes().keySet()) {
            await().atMost(TIMEOUT)
                    .untilAsserted(
                            () -> assertThat(scrape(cluster.nodeMetrics(nodeId)).value("roomgate_node_links"))
                                    .as("links to %s before any client", nodeId)
                                    .isEqualTo(2));
        }
        // Room A: two players and a JSON spectator; three moves, then black tries an illegal one.
        String roomA = "metrics-a-" + run;
        RoomgateClient whiteA = connect(Encoding.BINARY);
        RoomgateClient blackA = connect(Encoding.BINARY);
        RoomgateClient watcher = connect(Encoding.JSON);
        String nodeA = ownerOf(whiteA, join(roomA, Role.PLAYER, Side.WHITE));
        ownerOf(blackA, join(roomA, Role.PLAYER, Side.BLACK));
        ownerOf(watcher, join(roomA, Role.SPECTATOR, Side.SIDE_UNSPECIFIED));
        play(whiteA, roomA, "e2e4");
        play(blackA, roomA, "e7e5");
        play(whiteA, roomA, "g1f3");
        ServerMessage illegal = blackA.request(move(roomA, "e8e6"), TIMEOUT);
        assertThat(illegal.getError().getCode()).isEqualTo(ErrorCode.ILLEGAL_MOVE);

        // Room B on the other node: two moves and a chat.
        String nodeB = nodeA.equals("node-1") ? "node-2" : "node-1";
        String roomB = roomOn(nodeB);
        RoomgateClient whiteB = connect(Encoding.BINARY);
        RoomgateClient blackB = connect(Encoding.BINARY);
        assertThat(ownerOf(whiteB, join(roomB, Role.PLAYER, Side.WHITE))).isEqualTo(nodeB);
        ownerOf(blackB, join(roomB, Role.PLAYER, Side.BLACK));
        play(whiteB, roomB, "d2d4");
        play(blackB, roomB, "d7d5");
        ServerMessage chat = whiteB.request(
                ClientMessage.newBuilder()
                        .setChat(SendChat.newBuilder().setRoomId(roomB).setText("good luck"))
                        .build(),
                TIMEOUT);
        assertThat(chat.getEvent().hasChat()).isTrue();
        assertThat(whiteB.request(
                                ClientMessage.newBuilder()
                                        .setPing(Ping.getDefaultInstance())
                                        .build(),
                                TIMEOUT)
                        .hasPong())
                .isTrue();
        int open = clients.size();

        // The gateway, through its admin port first: the client port's own scrape connection would count.
        Metrics gateway = scrape(URI.create(cluster.admin(0) + "/metrics"));
        assertThat(gateway.value("roomgate_gateway_sessions")).isEqualTo(open);
        assertThat(gateway.value("roomgate_gateway_connections")).isEqualTo(open);
        assertThat(gateway.value("roomgate_gateway_handshakes_total")).isEqualTo(open);
        assertThat(gateway.value("roomgate_gateway_messages_total", "type", "join"))
                .isEqualTo(5);
        assertThat(gateway.value("roomgate_gateway_messages_total", "type", "move"))
                .isEqualTo(6);
        assertThat(gateway.value("roomgate_gateway_messages_total", "type", "chat"))
                .isEqualTo(1);
        assertThat(gateway.value("roomgate_gateway_messages_total", "type", "ping"))
                .isEqualTo(1);
        assertThat(gateway.value("roomgate_gateway_errors_total", "code", "ILLEGAL_MOVE"))
                .isEqualTo(1);
        assertThat(gateway.sum("roomgate_gateway_errors_total"))
                .as("no other error")
                .isEqualTo(1);
        assertThat(gateway.value("roomgate_gateway_frames_total", "direction", "in", "encoding", "json"))
                .as("the JSON spectator's join")
                .isEqualTo(1);
        assertThat(gateway.value("roomgate_gateway_frames_total", "direction", "in", "encoding", "binary"))
                .isEqualTo(12);
        assertThat(gateway.value("roomgate_gateway_frames_total", "direction", "out", "encoding", "json"))
                .as("the spectator got its session token, Joined and room A's three moves")
                .isEqualTo(5);
        assertThat(gateway.value("roomgate_gateway_frame_payload_bytes_total", "direction", "in", "encoding", "binary"))
                .isGreaterThan(12);
        assertThat(gateway.sum("roomgate_gateway_routing_lookups_total", "result", "pinned")
                        + gateway.sum("roomgate_gateway_routing_lookups_total", "result", "hashed"))
                .as("every join, move and chat found its node")
                .isEqualTo(12);
        assertThat(gateway.value("roomgate_gateway_routing_lookups_total", "result", "unavailable"))
                .isZero();
        assertThat(gateway.value("roomgate_gateway_links"))
                .as("a link to each node from each of the 2 loops")
                .isEqualTo(4);
        // Every request was answered, so nothing is left unsent on the links once they have flushed.
        await().atMost(TIMEOUT)
                .untilAsserted(() -> assertThat(scrape(URI.create(cluster.admin(0) + "/metrics"))
                                .value("roomgate_gateway_link_backlog_bytes"))
                        .as("bytes unsent on the links, traffic over")
                        .isZero());
        assertThat(gateway.sum("roomgate_eventloop_delay_seconds_count")).isPositive();
        assertThat(gateway.value("roomgate_hazelcast_members")).isEqualTo(3);
        assertThat(gateway.value("roomgate_hazelcast_members_data")).isEqualTo(2);
        assertThat(gateway.sum("jvm_memory_used_bytes")).isPositive();
        assertThat(gateway.value("process_uptime_seconds")).isPositive();

        // The operators' pages are on the admin port only: the public port has no /metrics, and its
        // /health shows counts, never a node's id, pid or address.
        HttpResponse<String> publicMetrics = http.send(
                HttpRequest.newBuilder(cluster.http(0, "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(publicMetrics.statusCode()).isEqualTo(404);
        HttpResponse<String> health =
                http.send(HttpRequest.newBuilder(cluster.health(0)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.body())
                .contains("\"nodeCount\": 2")
                .doesNotContain(nodeA)
                .doesNotContain("pid")
                .doesNotContain("linkAddress");
        // Scraped without a token (Prometheus), while the API refuses a request without the right one.
        assertThat(scrape(cluster.gatewayMetrics(0)).value("roomgate_gateway_sessions"))
                .isEqualTo(open);
        for (HttpRequest.Builder unauthenticated : List.of(
                HttpRequest.newBuilder(cluster.admin(0).resolve("/nodes")),
                HttpRequest.newBuilder(cluster.admin(0).resolve("/nodes"))
                        .header("Authorization", "Bearer not-the-token-of-this-cluster"),
                HttpRequest.newBuilder(cluster.admin(0).resolve("/nodes/" + nodeA + "/drain"))
                        .POST(HttpRequest.BodyPublishers.noBody()))) {
            HttpResponse<String> refused = http.send(unauthenticated.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.body()).contains("UNAUTHENTICATED");
        }
        HttpResponse<String> hostedWithoutToken = http.send(
                HttpRequest.newBuilder(cluster.nodeMetrics(nodeA).resolve("/rooms"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(hostedWithoutToken.statusCode()).as("a node's /rooms").isEqualTo(401);
        HttpResponse<String> hosted = http.send(
                cluster.withAdminToken(HttpRequest.newBuilder(
                                cluster.nodeMetrics(nodeA).resolve("/rooms")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(hosted.statusCode())
                .as("a node's /rooms with the token (what FenceWatch reads)")
                .isEqualTo(200);
        assertThat(hosted.body()).contains(nodeA);

        // Each node counts the moves of its own room, and only those.
        Map<String, Integer> accepted = Map.of(nodeA, 3, nodeB, 2);
        Map<String, Integer> participants = Map.of(nodeA, 3, nodeB, 2);
        double masters = gateway.value("roomgate_hazelcast_master");
        for (String nodeId : List.of(nodeA, nodeB)) {
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(
                            () -> assertThat(scrape(cluster.nodeMetrics(nodeId)).value("roomgate_node_sessions"))
                                    .as("sessions on %s, as of its last status", nodeId)
                                    .isEqualTo((int) participants.get(nodeId)));
            Metrics node = scrape(cluster.nodeMetrics(nodeId));
            assertThat(node.value("roomgate_node_moves_accepted_total", "room", "chess"))
                    .as(nodeId)
                    .isEqualTo((int) accepted.get(nodeId));
            // Registered on a node's first refusal: read strictly on room A's node, which refused one.
            if (nodeId.equals(nodeA)) {
                assertThat(node.value("roomgate_node_moves_refused_total", "room", "chess", "code", "ILLEGAL_MOVE"))
                        .as(nodeId)
                        .isEqualTo(1);
            } else {
                assertThat(node.countedOrZero(
                                "roomgate_node_moves_refused_total", "room", "chess", "code", "ILLEGAL_MOVE"))
                        .as(nodeId)
                        .isZero();
            }
            assertThat(node.value("roomgate_node_messages_total", "room", "chess", "type", "join"))
                    .as(nodeId)
                    .isEqualTo((int) participants.get(nodeId));
            assertThat(node.value("roomgate_node_rooms", "type", "chess"))
                    .as(nodeId)
                    .isEqualTo(1);
            assertThat(node.value("roomgate_node_state")).as("ACTIVE").isEqualTo(1);
            assertThat(node.value("roomgate_node_claims_total", "outcome", "created"))
                    .as(nodeId)
                    .isEqualTo(1);
            // Every join and every accepted move (and B's chat) was appended to the replicated log.
            assertThat(node.value("roomgate_replication_append_seconds_count", "result", "ok"))
                    .as(nodeId)
                    .isEqualTo(participants.get(nodeId) + accepted.get(nodeId) + (nodeId.equals(nodeB) ? 1 : 0));
            assertThat(node.value("roomgate_replication_append_seconds_sum", "result", "ok"))
                    .isPositive();
            // One per gateway loop (2), opened as the node joined the view, used by that loop's clients or not.
            assertThat(node.value("roomgate_node_links"))
                    .as("links from the gateway's loops")
                    .isEqualTo(2);
            assertThat(node.sum("roomgate_stripe_delay_seconds_count")).isPositive();
            assertThat(node.sum("roomgate_eventloop_delay_seconds_count")).isPositive();
            assertThat(node.value("roomgate_hazelcast_members")).isEqualTo(3);
            assertThat(node.sum("jvm_memory_used_bytes")).isPositive();
            assertThat(node.value("jvm_threads_live_threads")).isPositive();
            masters += node.value("roomgate_hazelcast_master");
        }
        assertThat(masters).as("one master in the cluster").isEqualTo(1);

        // Drain room A's node: the room is handed over, and every process shows it.
        HttpResponse<String> drain = http.send(
                cluster.adminRequest(0, "/nodes/" + nodeA + "/drain")
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(drain.statusCode()).isEqualTo(202);
        await().atMost(TIMEOUT).untilAsserted(() -> {
            Metrics drained = scrape(cluster.nodeMetrics(nodeA));
            assertThat(drained.value("roomgate_node_handoffs_total", "outcome", "moved"))
                    .isEqualTo(1);
            assertThat(drained.value("roomgate_node_handoff_duration_seconds_count", "outcome", "moved"))
                    .isEqualTo(1);
            assertThat(drained.value("roomgate_node_state")).as("DRAINING").isEqualTo(2);
            assertThat(drained.value("roomgate_node_rooms", "type", "chess")).isZero();
        });
        play(blackA, roomA, "b8c6"); // room A goes on at its new owner
        Metrics successor = scrape(cluster.nodeMetrics(nodeB));
        assertThat(successor.value("roomgate_node_claims_total", "outcome", "taken_over"))
                .isEqualTo(1);
        assertThat(successor.value("roomgate_node_rooms", "type", "chess")).isEqualTo(2);
        assertThat(successor.value("roomgate_node_moves_accepted_total", "room", "chess"))
                .isEqualTo(3);
        assertThat(successor.value("roomgate_replication_transfer_seconds_count", "result", "ok"))
                .isZero();
        assertThat(scrape(cluster.nodeMetrics(nodeA))
                        .value("roomgate_replication_transfer_seconds_count", "result", "ok"))
                .isEqualTo(1);
        assertThat(scrape(cluster.gatewayMetrics(0)).value("roomgate_gateway_room_moves_total", "cause", "handoff"))
                .as("once per event loop with sessions in room A")
                .isBetween(1.0, 2.0);
    }

    /** A room id the hash places on {@code nodeId}, with both nodes live. */
    private String roomOn(String nodeId) {
        NodeView view = NodeView.of(
                1,
                List.of(
                        new NodeInfo("node-1", "127.0.0.1", 1, 1, UUID.randomUUID()),
                        new NodeInfo("node-2", "127.0.0.1", 2, 2, UUID.randomUUID())));
        for (int i = 0; ; i++) {
            String roomId = "metrics-b-" + run + "-" + i;
            if (view.ownerOf(roomId).nodeId().equals(nodeId)) {
                return roomId;
            }
        }
    }

    private Metrics scrape(URI uri) throws Exception {
        return Metrics.scrape(http, uri);
    }
}
