package roomgate.gateway.feed;

import com.google.protobuf.ByteString;

/**
 * One feed update on its way from the upstream thread to the event loops: where it stands in its
 * topic's order, and the {@code ServerMessage} bytes to send, made once per gateway. Immutable, so
 * every loop can hold it.
 *
 * @param incarnation bumped by the gateway when a topic's sequence goes back (its publisher restarted)
 * @param sequence the publisher's per-topic sequence
 */
record Update(String topic, long incarnation, long sequence, ByteString serverMessage) {
    /** Whether this update comes after the one at ({@code incarnation}, {@code sequence}). */
    boolean isAfter(long incarnation, long sequence) {
        return this.incarnation > incarnation || (this.incarnation == incarnation && this.sequence > sequence);
    }
}
