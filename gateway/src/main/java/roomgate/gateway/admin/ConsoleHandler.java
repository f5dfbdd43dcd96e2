package roomgate.gateway.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import roomgate.gateway.web.WebAssets;
import roomgate.runtime.http.HttpReplies;

/**
 * The operator console's files under {@code /console/} on the admin port, from memory
 * ({@link WebAssets#console()}), on the admin server's own threads. {@code /console} redirects to
 * {@code /console/}. The files hold no secret: the page asks the operator for the admin token and
 * sends it with each API call it makes.
 */
final class ConsoleHandler implements HttpHandler {
    static final String PATH = "/console";

    private final WebAssets assets;

    ConsoleHandler(WebAssets assets) {
        this.assets = assets;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            for (Map.Entry<String, String> header : WebAssets.securityHeaders().entrySet()) {
                exchange.getResponseHeaders().set(header.getKey(), header.getValue());
            }
            if (path.equals(PATH)) {
                exchange.getResponseHeaders().set("Location", PATH + "/");
                exchange.sendResponseHeaders(308, -1);
                return;
            }
            Optional<WebAssets.Asset> asset = assets.get(path);
            if (asset.isEmpty()) {
                HttpReplies.send(exchange, 404, HttpReplies.TEXT, utf8("no such file: " + path + "\n"));
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                HttpReplies.send(exchange, 405, HttpReplies.TEXT, utf8(method + " " + path + " (expected: GET)\n"));
                return;
            }
            WebAssets.Asset found = asset.get();
            exchange.getResponseHeaders().set("ETag", found.etag());
            exchange.getResponseHeaders().set("Cache-Control", WebAssets.CACHE_CONTROL);
            if (found.etag().equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                exchange.sendResponseHeaders(304, -1);
                return;
            }
            HttpReplies.send(exchange, 200, found.contentType(), found.body());
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
