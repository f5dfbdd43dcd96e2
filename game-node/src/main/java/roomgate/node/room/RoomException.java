package roomgate.node.room;

import java.util.Objects;
import roomgate.protocol.v1.ErrorCode;

/**
 * A refusal of a client's request by a room, carried back to that client as an {@code Error} with
 * the same code and message. It has no stack trace: hostile clients can make thousands of these a
 * second, and a refusal is an answer, not a bug.
 */
public final class RoomException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public RoomException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }
}
