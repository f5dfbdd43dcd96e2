package roomgate.archive;

/** The archive database cannot be used now (down, unreachable, out of connections): try again later. */
public final class ArchiveUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public ArchiveUnavailableException(Throwable cause) {
        super("archive database unavailable: " + cause, cause);
    }
}
