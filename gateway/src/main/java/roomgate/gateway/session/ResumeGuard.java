package roomgate.gateway.session;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Makes resume tokens single-use and bound to their connection. Each connection of this gateway
 * gets an id ({@link #open}) that every resume token issued to it names; a resume with such a token
 * is admitted at most once, cluster-wide, whichever of that connection's tokens it uses, and never
 * while the connection is still open on this gateway (its client is still there: a second copy of
 * its seats is not a resume). A connection resuming with its own token spends nothing: it takes no
 * seat from anyone. Shared by every connection of a gateway; thread-safe.
 *
 * <p>Across gateways the issuing connection's liveness is not known here; the seat-ownership rule
 * applies there (the seat goes to the resuming connection, the old one is told {@code SEAT_TAKEN}).
 */
public final class ResumeGuard {
    private final SpentConnections spent;
    private final Duration timeout;
    private final Set<String> open = ConcurrentHashMap.newKeySet();

    /** {@code timeout}: how long a resume waits for {@code spent} before it is refused. */
    public ResumeGuard(SpentConnections spent, Duration timeout) {
        this.spent = Objects.requireNonNull(spent, "spent");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** A new connection: its id, open until {@link #closed}. */
    public String open() {
        String connectionId = ResumeTokens.newConnectionId();
        open.add(connectionId);
        return connectionId;
    }

    public void closed(String connectionId) {
        open.remove(connectionId);
    }

    /**
     * Whether connection {@code asking} may resume the session of connection {@code issuedTo}:
     * completes with null if so (and then {@code issuedTo} is spent), or with why not (for a
     * {@code RESUME_REJECTED}); never exceptionally, on whatever thread answered (the caller moves to
     * its event loop). When the cluster cannot answer within the timeout the resume is refused: a
     * spend that lands later may have been this one, and accepting on a guess could accept twice.
     */
    public CompletionStage<String> admit(String issuedTo, String asking) {
        if (issuedTo.equals(asking)) {
            return CompletableFuture.completedFuture(null);
        }
        if (open.contains(issuedTo)) {
            return CompletableFuture.completedFuture("resume_token: the connection it was issued to is still open"
                    + " on this gateway (close it first, or join the rooms again: with an identity token your seats"
                    + " come back)");
        }
        CompletableFuture<Boolean> first;
        try {
            first = spent.spend(issuedTo).toCompletableFuture();
        } catch (RuntimeException e) {
            first = CompletableFuture.failedFuture(e);
        }
        return first.copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((won, failure) -> {
            if (failure != null) {
                return "resume_token: the cluster could not confirm within " + timeout.toMillis()
                        + " ms that it was not used before, and it may count as used now (join the rooms"
                        + " again: with an identity token your seats come back)";
            }
            return Boolean.TRUE.equals(won)
                    ? null
                    : "resume_token: already used (the tokens of a connection resume it once; join"
                            + " the rooms again: with an identity token your seats come back)";
        });
    }

    /** Connections open now (for tests and diagnostics). */
    int openCount() {
        return open.size();
    }
}
