package roomgate.gateway.auth;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;
import java.util.List;
import roomgate.gateway.session.ResumeGuard;
import roomgate.gateway.session.ResumeTokens;
import roomgate.gateway.session.SpentConnections;

/**
 * What the client sessions of a gateway need to know who their clients are: the token verifier
 * ({@code --auth jwt}; null under {@code --auth none}, where every connection is an anonymous
 * player), the resume tokens, and the guard that makes each connection's tokens resume it once.
 * Shared by every connection; thread-safe.
 */
public final class ClientAuth {
    private static final String BEARER = "bearer ";
    /** How long a resume waits for the cluster to spend its connection before it is refused. */
    private static final Duration SPEND_TIMEOUT = Duration.ofSeconds(5);

    private final TokenVerifier verifier;
    private final ResumeTokens resumeTokens;
    private final ResumeGuard resumeGuard;

    private ClientAuth(TokenVerifier verifier, ResumeTokens resumeTokens, SpentConnections spent) {
        this.verifier = verifier;
        this.resumeTokens = resumeTokens;
        this.resumeGuard = new ResumeGuard(spent, SPEND_TIMEOUT);
    }

    private ClientAuth(TokenVerifier verifier, ResumeTokens resumeTokens) {
        this(verifier, resumeTokens, SpentConnections.inProcess(spentFor(resumeTokens), System::nanoTime));
    }

    /**
     * How long a connection stays spent: the lifetime of its newest token, plus a minute for the
     * clocks of gateways that do not quite agree (each judges expiry by its own).
     */
    public static Duration spentFor(ResumeTokens resumeTokens) {
        return resumeTokens.ttl().plusMinutes(1);
    }

    /**
     * The same, spending resumed connections in {@code spent} (the cluster's) rather than in this
     * process alone. Called once at start, before any connection.
     */
    public ClientAuth withSpentConnections(SpentConnections spent) {
        return new ClientAuth(verifier, resumeTokens, spent);
    }

    /** Every connection must present a token {@code verifier} accepts. */
    public static ClientAuth jwt(TokenVerifier verifier, ResumeTokens resumeTokens) {
        return new ClientAuth(verifier, resumeTokens);
    }

    /** No identities: each connection is an anonymous player; a resume token alone resumes. */
    public static ClientAuth none(ResumeTokens resumeTokens) {
        return new ClientAuth(null, resumeTokens);
    }

    public boolean required() {
        return verifier != null;
    }

    /** Only when {@link #required()}. */
    public TokenVerifier verifier() {
        return verifier;
    }

    public ResumeTokens resumeTokens() {
        return resumeTokens;
    }

    public ResumeGuard resumeGuard() {
        return resumeGuard;
    }

    /**
     * The token on a WebSocket upgrade request: {@code Authorization: Bearer T}, or else the query
     * parameter {@code access_token=T} (browsers cannot set headers on a WebSocket); null if neither.
     */
    public static String tokenOf(HttpHeaders headers, String uri) {
        String authorization = headers == null ? null : headers.get(HttpHeaderNames.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return authorization.substring(BEARER.length()).trim();
        }
        if (uri != null && uri.indexOf('?') >= 0) {
            List<String> values = new QueryStringDecoder(uri).parameters().get("access_token");
            if (values != null && !values.isEmpty()) {
                return values.get(0);
            }
        }
        return null;
    }
}
