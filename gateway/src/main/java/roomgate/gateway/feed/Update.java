package roomgate.gateway.feed;

import roomgate.wire.client.SharedFrames;

/**
 * One feed update on its way from the upstream thread to the event loops: where it stands in its
 * topic's order, and its {@code ServerMessage} as frames made once per gateway and shared by every
 * loop. Immutable, so every loop can hold it; the frames are reference counted, one reference per
 * loop it is posted to.
 *
 * @param incarnation bumped by the gateway when a topic's sequence goes back (its publisher restarted)
 * @param sequence the publisher's per-topic sequence
 * @param textWanted what a loop calls when it had to make the JSON text frame itself (see
 *     {@link TopicFanout#wantText})
 */
record Update(String topic, long incarnation, long sequence, SharedFrames frames, Runnable textWanted) {
    /** Whether this update comes after the one at ({@code incarnation}, {@code sequence}). */
    boolean isAfter(long incarnation, long sequence) {
        return this.incarnation > incarnation || (this.incarnation == incarnation && this.sequence > sequence);
    }
}
