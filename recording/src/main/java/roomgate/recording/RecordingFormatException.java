package roomgate.recording;

/** A file that is not a recording this code can read: wrong format name, unsupported version, bad header. */
public final class RecordingFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RecordingFormatException(String message) {
        super(message);
    }

    public RecordingFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
