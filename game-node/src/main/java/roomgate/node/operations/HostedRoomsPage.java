package roomgate.node.operations;

import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import roomgate.node.registry.RoomRegistry;
import roomgate.protocol.admin.v1.HostedRoom;
import roomgate.protocol.admin.v1.HostedRooms;
import roomgate.runtime.http.HttpReplies;

/**
 * {@code GET /rooms} on the node's metrics port: the rooms this node holds in memory now, each
 * with the epoch it took it at, as JSON. The directory (the gateway's {@code /rooms/ID}) says who
 * owns a room; this says what a node believes, so an operator or a fault test can see two nodes
 * hold one room (a copy at an older epoch is fenced: its writes are refused). Served on the
 * metrics server's own thread; the stripes answer on theirs. It names rooms and their epochs, so it
 * is served only to a holder of the operators' token (NodeMain puts it behind {@code AdminToken}),
 * and not at all on a node started without {@code --admin-token-file} ({@link #off}).
 */
public final class HostedRoomsPage implements HttpHandler {
    public static final String PATH = "/rooms";
    private static final JsonFormat.Printer JSON = JsonFormat.printer().alwaysPrintFieldsWithNoPresence();

    private final RoomRegistry registry;
    private final String nodeId;

    public HostedRoomsPage(RoomRegistry registry, String nodeId) {
        this.registry = registry;
        this.nodeId = nodeId;
    }

    /** What a node without {@code --admin-token-file} answers at {@link #PATH}: 404 naming the flag. */
    public static HttpHandler off() {
        return exchange -> {
            try (exchange) {
                HttpReplies.send(
                        exchange,
                        404,
                        "application/json",
                        "{\"error\":\"GET /rooms is off: start the node with --admin-token-file\"}\n"
                                .getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!HttpReplies.acceptsGet(exchange, PATH)) {
                return;
            }
            HostedRooms.Builder page = HostedRooms.newBuilder().setNodeId(nodeId);
            try {
                registry.hostedRooms().get(2, TimeUnit.SECONDS).stream()
                        .sorted(Comparator.comparing(HostedRoom::getRoomId))
                        .forEach(page::addRooms);
            } catch (Exception e) {
                send(exchange, 503, "the room threads did not answer: " + e + "\n");
                return;
            }
            send(exchange, 200, JSON.print(page));
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        HttpReplies.send(
                exchange,
                status,
                status == 200 ? "application/json" : HttpReplies.TEXT,
                body.getBytes(StandardCharsets.UTF_8));
    }
}
