package roomgate.node.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import roomgate.protocol.v1.RoomEvent;

/** The window of events kept for catching up, at its edge. */
class CatchUpHistoryTest {
    private final CatchUpHistory history = new CatchUpHistory(3);

    @Test
    void whileNothingFellOutEverythingAfterTheLastSeenIsThere() {
        add(1, 2, 3);
        assertThat(history.after(0)).extracting(RoomEvent::getSequence).containsExactly(1L, 2L, 3L);
        assertThat(history.after(2)).extracting(RoomEvent::getSequence).containsExactly(3L);
        assertThat(history.after(3)).isEmpty();
    }

    @Test
    void aSessionThatSawTheNewestDroppedEventIsCaughtUpOneThatDidNotNeedsTheState() {
        add(1, 2, 3, 4, 5); // 1 and 2 fell out
        assertThat(history.after(2)).extracting(RoomEvent::getSequence).containsExactly(3L, 4L, 5L);
        assertThat(history.after(1)).as("missed event 2, which is gone").isNull();
        assertThat(history.after(0)).isNull();
    }

    @Test
    void gapsInTheSequenceAreNotMissedEvents() {
        // Ticks are numbered but not logged: the window holds the logged events only.
        add(1, 4, 7, 9);
        assertThat(history.after(1)).extracting(RoomEvent::getSequence).containsExactly(4L, 7L, 9L);
        assertThat(history.after(0)).as("missed event 1, which is gone").isNull();
    }

    private void add(long... sequences) {
        for (long sequence : sequences) {
            history.add(RoomEvent.newBuilder().setSequence(sequence).build());
        }
    }
}
