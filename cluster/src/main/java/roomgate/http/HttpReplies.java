package roomgate.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a whole reply on the JDK's HTTP server, for the small read-mostly pages the processes serve
 * beside their real protocol (metrics, the admin API, a node's rooms): one place that sets the
 * length and leaves the body out for HEAD.
 */
public final class HttpReplies {
    private HttpReplies() {
    }

    public static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
