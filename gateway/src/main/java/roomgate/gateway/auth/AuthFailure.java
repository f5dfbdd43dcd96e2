package roomgate.gateway.auth;

import roomgate.protocol.v1.ErrorCode;

/** A token that does not let its bearer in: {@code UNAUTHENTICATED}, or {@code TOKEN_EXPIRED}. */
public final class AuthFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public AuthFailure(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
