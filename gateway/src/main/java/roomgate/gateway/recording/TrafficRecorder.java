package roomgate.gateway.recording;

import roomgate.protocol.v1.ClientMessage;

/**
 * Where the session handler reports the client traffic it accepts, for recording. Called on event
 * loops: an implementation must return at once, never waiting for a lock holder or for I/O.
 * {@link #OFF} records nothing and is what a gateway without {@code --record-rooms} uses.
 */
public interface TrafficRecorder extends AutoCloseable {

    TrafficRecorder OFF = new TrafficRecorder() {
        @Override
        public void roomRequest(long sessionId, String roomId, ClientMessage message) {}

        @Override
        public void sessionEnded(long sessionId) {}

        @Override
        public void close() {}
    };

    /** A room request the gateway accepted and is about to route. */
    void roomRequest(long sessionId, String roomId, ClientMessage message);

    /** A client connection closed. */
    void sessionEnded(long sessionId);

    /** Stops recording and finishes the file; waits for the writer (not for use on an event loop). */
    @Override
    void close();
}
