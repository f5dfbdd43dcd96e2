package roomgate.loadtest.net;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import roomgate.placement.RendezvousHash;

/**
 * Where the load goes, and which URL each client connects to. Every client URL carries its
 * routing key as {@code ?room=KEY}: nginx hashes on it ({@code hash $arg_room consistent}), the
 * gateway and the node ignore it. Two forms:
 * <ul>
 *   <li>{@code ws://127.0.0.1:8080/ws} — one endpoint (a gateway, or nginx in front of nodes);
 *   <li>{@code direct:ws://127.0.0.1:9101/ws,ws://127.0.0.1:9102/ws} — game nodes' direct
 *       listeners; a client goes to the node that rendezvous hashing of its routing key over
 *       these URLs picks, the way a gateway places rooms, so every client of a room meets on one
 *       node and rooms spread over all of them.
 * </ul>
 */
public final class Target {
    private final String spec;
    private final List<URI> endpoints;
    private final long[] endpointHashes;
    /** A token per client, or null: without tokens the gateway must run with --auth none. */
    private final java.util.function.Supplier<String> tokens;

    private Target(String spec, List<URI> endpoints) {
        this(spec, endpoints, null);
    }

    private Target(String spec, List<URI> endpoints, java.util.function.Supplier<String> tokens) {
        this.tokens = tokens;
        this.spec = spec;
        this.endpoints = List.copyOf(endpoints);
        this.endpointHashes = new long[endpoints.size()];
        for (int i = 0; i < endpoints.size(); i++) {
            endpointHashes[i] = RendezvousHash.hash(endpoints.get(i).toString());
        }
    }

    /**
     * @throws IllegalArgumentException if a URL is not {@code ws://host:port/path}
     */
    public static Target parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        List<URI> uris = new ArrayList<>();
        String list = spec.startsWith("direct:") ? spec.substring("direct:".length()) : spec;
        for (String part : list.split(",")) {
            URI uri = URI.create(part.trim());
            if (!"ws".equals(uri.getScheme()) || uri.getHost() == null || uri.getQuery() != null) {
                throw new IllegalArgumentException(
                        "target '" + part + "': expected ws://host:port/path without a query");
            }
            uris.add(uri);
        }
        if (!spec.startsWith("direct:") && uris.size() != 1) {
            throw new IllegalArgumentException("target '" + spec + "': several URLs need the direct: prefix");
        }
        return new Target(spec, uris);
    }

    /**
     * The same target, each client URL also carrying a token from {@code tokens} as
     * {@code access_token} (the gateway takes it from the upgrade request's query).
     */
    public Target withTokens(java.util.function.Supplier<String> tokens) {
        return new Target(spec, endpoints, tokens);
    }

    /** The URL for a client of the rooms that {@code routingKey} stands for. */
    public URI uriFor(String routingKey) {
        URI base = endpoints.get(endpointOf(routingKey));
        String token = tokens == null ? "" : "&access_token=" + URLEncoder.encode(tokens.get(), StandardCharsets.UTF_8);
        return URI.create(base + "?room=" + URLEncoder.encode(routingKey, StandardCharsets.UTF_8) + token);
    }

    int endpointOf(String routingKey) {
        if (endpoints.size() == 1) {
            return 0;
        }
        long key = RendezvousHash.hash(routingKey);
        int best = 0;
        long bestScore = Long.MIN_VALUE;
        for (int i = 0; i < endpointHashes.length; i++) {
            long score = RendezvousHash.score(key, endpointHashes[i]);
            if (score > bestScore) {
                bestScore = score;
                best = i;
            }
        }
        return best;
    }

    public List<URI> endpoints() {
        return endpoints;
    }

    @Override
    public String toString() {
        return spec;
    }
}
