package roomgate.wire.client;

import roomgate.protocol.v1.ErrorCode;

/**
 * A client frame that could not be turned into a {@code ClientMessage}. It travels up the pipeline
 * like a message, so that the session answers it with an {@code Error} the same way as any other
 * refusal, and the connection stays open.
 */
public record DecodeFailure(ErrorCode code, String message) {}
