package roomgate.node.replication;

/**
 * A write returned too late to know that its synchronous backup acknowledged it: Hazelcast may have
 * answered it only because its backup timeout passed. It is not acknowledged (see
 * {@link Acknowledgement}).
 */
public final class UnconfirmedBackupException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    UnconfirmedBackupException(String message) {
        super(message);
    }
}
