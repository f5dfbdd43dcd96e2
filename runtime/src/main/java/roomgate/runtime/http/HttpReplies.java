package roomgate.runtime.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a whole reply on the JDK's HTTP server, for the small read-mostly pages the processes serve
 * beside their real protocol (metrics, the admin API, a node's rooms): one place that sets the
 * length and leaves the body out for HEAD.
 */
public final class HttpReplies {
    public static final String TEXT = "text/plain; charset=utf-8";

    private HttpReplies() {}

    /**
     * For a read-only page at {@code path}: answers 404 for any other path under its context and 405
     * for a method other than GET or HEAD, and returns false; true if the request is the page's to answer.
     */
    public static boolean acceptsGet(HttpExchange exchange, String path) throws IOException {
        String asked = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (!asked.equals(path)) {
            send(
                    exchange,
                    404,
                    TEXT,
                    ("no such path: " + asked + " (expected: " + path + ")\n").getBytes(StandardCharsets.UTF_8));
            return false;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            send(exchange, 405, TEXT, (method + " " + path + " (expected: GET)\n").getBytes(StandardCharsets.UTF_8));
            return false;
        }
        return true;
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
