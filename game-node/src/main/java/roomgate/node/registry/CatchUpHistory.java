package roomgate.node.registry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import roomgate.protocol.v1.RoomEvent;

/**
 * A room's latest logged events, for catching up sessions that rejoin or resume: what each missed
 * is sent to it event by event, as long as the window still holds all of it. A session that missed
 * more than that gets the room's whole state instead (see {@link RoomHost#catchUp}): the window
 * bounds what a room keeps in memory, where before it kept every event of its stay on this node.
 */
final class CatchUpHistory {
    /**
     * Events kept per room. A session catches up after a move (a few seconds of events) or a resume
     * within the 30 s reconnect grace. A chess game has a few hundred events in all (a long game is
     * a few hundred plies, plus joins and chat), so a player away for any part of a game is sent
     * just what it missed; only a room busier than about 34 logged events a second for the whole
     * grace spills over, and then one message with the state costs less than a thousand events
     * anyway. A move event is about 150 bytes (mostly its FEN), a chat message at most 500 chars:
     * a few hundred KB a room at worst, where before a room kept every event of its stay here.
     */
    static final int WINDOW = 1_024;

    private final int capacity;
    private final ArrayDeque<RoomEvent> events = new ArrayDeque<>();
    /** The sequence of the newest event dropped from the window; 0 while none was. */
    private long droppedThrough;

    CatchUpHistory() {
        this(WINDOW);
    }

    CatchUpHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
        }
        this.capacity = capacity;
    }

    /** Keeps a logged event, delivered in sequence order; the oldest falls out of a full window. */
    void add(RoomEvent event) {
        if (events.size() == capacity) {
            droppedThrough = events.removeFirst().getSequence();
        }
        events.addLast(event);
    }

    /**
     * Events up to {@code sequence} are not all here (a rebuilt room's record keeps only its latest
     * chat): a session that saw less than that is sent the whole state, never events with a gap.
     */
    void missingThrough(long sequence) {
        droppedThrough = Math.max(droppedThrough, sequence);
    }

    /**
     * The events after {@code lastSequence}, oldest first; null if some of them fell out of the
     * window (the session needs the whole state then).
     */
    List<RoomEvent> after(long lastSequence) {
        if (lastSequence < droppedThrough) {
            return null;
        }
        List<RoomEvent> missed = new ArrayList<>();
        for (RoomEvent event : events) {
            if (event.getSequence() > lastSequence) {
                missed.add(event);
            }
        }
        return missed;
    }
}
