package roomgate.runtime.metrics;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import roomgate.runtime.http.HttpReplies;

/**
 * {@code GET /metrics} in Prometheus' text format, on the JDK's own HTTP server with one thread of
 * its own: for processes that have no HTTP server (game nodes). A scrape computes every gauge, so
 * it must not run on a Netty event loop or a room thread; here it runs on neither. {@link #handler}
 * serves the same page from an HTTP server a process has already (the gateway's admin port).
 */
public final class MetricsHttpServer implements AutoCloseable {
    /** Prometheus' text exposition format, as {@link PrometheusMeterRegistry#scrape()} writes it. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    public static final String PATH = "/metrics";

    private final HttpServer server;
    private final ExecutorService thread;

    private MetricsHttpServer(HttpServer server, ExecutorService thread) {
        this.server = server;
        this.thread = thread;
    }

    /** Binds {@code host:port} (0 picks a free port) and serves {@link #PATH}. */
    public static MetricsHttpServer start(String host, int port, PrometheusMeterRegistry registry) throws IOException {
        return start(host, port, registry, Map.of());
    }

    /**
     * As {@link #start(String, int, PrometheusMeterRegistry)}, also serving each of {@code pages}
     * (path -> handler) on the same thread: a node's few read-only pages beside its metrics.
     */
    public static MetricsHttpServer start(
            String host, int port, PrometheusMeterRegistry registry, Map<String, HttpHandler> pages)
            throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 16);
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(thread);
        http.createContext("/", handler(registry));
        pages.forEach(http::createContext);
        http.start();
        return new MetricsHttpServer(http, thread);
    }

    /** Answers {@code GET /metrics} with a scrape of {@code registry}; any other path is a 404. */
    public static HttpHandler handler(PrometheusMeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        return exchange -> {
            try (exchange) {
                if (HttpReplies.acceptsGet(exchange, PATH)) {
                    ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
                    registry.scrape(body);
                    HttpReplies.send(exchange, 200, CONTENT_TYPE, body.toByteArray());
                }
            }
        };
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }
}
