package roomgate.gateway.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The browser pages and the operator console, read from the gateway's jar into memory once at start,
 * so that serving one is a map lookup and a write, never a file or jar read on an event loop. The
 * URL paths are a fixed table: a request names one of them exactly or gets a 404, so no request path
 * ever reaches a file system or class path lookup ({@code /../}, {@code %2e%2e}, {@code //} match
 * nothing). A resource the table names and the jar lacks fails the start: that is a packaging bug.
 */
public final class WebAssets {
    /** The uPlot WebJar's resources, under its version (read from the WebJar's own pom.properties). */
    private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

    /** One file to serve: its bytes, type, and a strong validator for conditional requests. */
    public record Asset(byte[] body, String contentType, String etag) {}

    private final Map<String, Asset> assets;

    private WebAssets(Map<String, Asset> assets) {
        this.assets = Map.copyOf(assets);
    }

    /** The pages on the client port: the lobby at {@code /}, the games, the feeds, the JS client. */
    public static WebAssets pages() {
        Map<String, String> routes = new LinkedHashMap<>();
        routes.put("/", "web/index.html");
        routes.put("/index.html", "web/index.html");
        routes.put("/chess.html", "web/chess.html");
        routes.put("/arena.html", "web/arena.html");
        routes.put("/feeds.html", "web/feeds.html");
        routes.put("/favicon.svg", "web/favicon.svg");
        routes.put("/css/roomgate.css", "web/css/roomgate.css");
        routes.put("/js/roomgate.js", "web/js/roomgate.js");
        routes.put("/js/page.js", "web/js/page.js");
        routes.put("/js/lobby.js", "web/js/lobby.js");
        routes.put("/js/board.js", "web/js/board.js");
        routes.put("/js/chess.js", "web/js/chess.js");
        routes.put("/js/arena.js", "web/js/arena.js");
        routes.put("/js/feeds.js", "web/js/feeds.js");
        routes.put("/vendor/uplot/uPlot.iife.min.js", uplot("dist/uPlot.iife.min.js"));
        routes.put("/vendor/uplot/uPlot.min.css", uplot("dist/uPlot.min.css"));
        routes.put("/vendor/uplot/LICENSE", uplot("LICENSE"));
        return load(routes);
    }

    /** The operator console on the admin port, under {@code /console/}. */
    public static WebAssets console() {
        Map<String, String> routes = new LinkedHashMap<>();
        routes.put("/console/", "web/console/index.html");
        routes.put("/console/index.html", "web/console/index.html");
        routes.put("/console/console.js", "web/console/console.js");
        routes.put("/console/console.css", "web/console/console.css");
        routes.put("/console/favicon.svg", "web/console/favicon.svg");
        routes.put("/console/prometheus.js", "web/console/prometheus.js");
        routes.put("/console/vendor/uPlot.iife.min.js", uplot("dist/uPlot.iife.min.js"));
        routes.put("/console/vendor/uPlot.min.css", uplot("dist/uPlot.min.css"));
        return load(routes);
    }

    /** Reads every resource {@code routes} names (URL path to class path resource). */
    static WebAssets load(Map<String, String> routes) {
        Map<String, Asset> assets = new LinkedHashMap<>();
        for (Map.Entry<String, String> route : routes.entrySet()) {
            byte[] body = read(route.getValue());
            assets.put(route.getKey(), new Asset(body, contentType(route.getValue()), etag(body)));
        }
        return new WebAssets(assets);
    }

    /** The asset at exactly {@code path} (no query, not decoded), if there is one. */
    public Optional<Asset> get(String path) {
        return Optional.ofNullable(assets.get(path));
    }

    /** Whether {@code path} is one this table serves. */
    public boolean serves(String path) {
        return assets.containsKey(path);
    }

    static String contentType(String name) {
        String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return switch (extension) {
            case "html" -> "text/html; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            default -> "text/plain; charset=utf-8";
        };
    }

    private static String uplot(String file) {
        Properties pom = new Properties();
        try (InputStream in = resource(UPLOT_POM)) {
            pom.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "META-INF/resources/webjars/uplot/" + pom.getProperty("version") + "/" + file;
    }

    private static byte[] read(String name) {
        try (InputStream in = resource(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + name + " from the jar", e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = WebAssets.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("resource " + name + " is not in the jar (a packaging bug)");
        }
        return in;
    }

    private static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Headers every answer carries, for the pages' safety: no sniffing, scripts only from here. */
    public static Map<String, String> securityHeaders() {
        return Map.of(
                "X-Content-Type-Options", "nosniff",
                "Content-Security-Policy",
                        "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:;"
                                + " style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none';"
                                + " frame-ancestors 'none'",
                "Referrer-Policy", "no-referrer");
    }

    /** Revalidate every time (ETag, 304): the URLs carry no version, and a new jar must show at once. */
    public static final String CACHE_CONTROL = "no-cache";
}
