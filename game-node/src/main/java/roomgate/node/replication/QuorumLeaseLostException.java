package roomgate.node.replication;

/** A write returned after this node's quorum lease ran out: it is not acknowledged (see QuorumLease). */
public final class QuorumLeaseLostException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    QuorumLeaseLostException(String message) {
        super(message);
    }
}
