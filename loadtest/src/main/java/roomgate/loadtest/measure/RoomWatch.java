package roomgate.loadtest.measure;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import roomgate.protocol.v1.Joined;
import roomgate.protocol.v1.RoomEvent;

/**
 * Follows one room as its participants see it, to measure each move from the moment it was meant
 * to be sent to the moment the last participant received it. A move's intended send time is
 * registered under its request_id; the sender's copy of the event carries that id back and names
 * the event's sequence number, which every other participant's copy carries too. A move is
 * complete when every participant who was in the room before it (joined with a lower sequence)
 * has received it. Participants are checked for gap-free sequences on the way.
 *
 * <p>Called from the event loops of all the room's clients, so every method is synchronized; the
 * work per call is a few map operations.
 */
public final class RoomWatch {
    private final String roomId;
    private final Supplier<RunStats> stats;
    private final boolean keepMoves;
    private final Map<Object, Member> members = new HashMap<>();
    private final Map<String, Long> intended = new HashMap<>();
    private final Map<Long, Pending> pending = new HashMap<>();
    private long lastCompleted;

    private static final class Member {
        final long joinedAt;
        long lastSequence;
        /** Moves on the board as this participant knows it: those in its Joined state, then one per event. */
        int moveCount;

        final List<String> moves;
        List<Waiter> waiters;

        Member(long joinedAt, int movesAtJoin, boolean keepMoves) {
            this.joinedAt = joinedAt;
            this.lastSequence = joinedAt;
            this.moveCount = movesAtJoin;
            this.moves = keepMoves ? new ArrayList<>() : null;
        }
    }

    private record Waiter(int moves, Runnable action) {}

    private static final class Pending {
        final int expected;
        int arrived;
        long intendedNanos = -1;
        long lastArrivalNanos;

        Pending(int expected) {
            this.expected = expected;
        }
    }

    /** @param keepMoves keep the UCI of every move each participant saw, for {@link #movesSeen} */
    public RoomWatch(String roomId, RunStats stats, boolean keepMoves) {
        this(roomId, () -> stats, keepMoves);
    }

    /** With the figures to count into chosen at each count: a benchmark switches them between phases. */
    public RoomWatch(String roomId, Supplier<RunStats> stats, boolean keepMoves) {
        this.roomId = roomId;
        this.stats = stats;
        this.keepMoves = keepMoves;
    }

    public String roomId() {
        return roomId;
    }

    /** A move request is about to go out; {@code intendedNanos} is when the schedule wanted it sent. */
    public synchronized void moveSent(String requestId, long intendedNanos) {
        intended.put(requestId, intendedNanos);
    }

    /** The request was refused: it will produce no event. */
    public synchronized void requestFailed(String requestId) {
        intended.remove(requestId);
    }

    public void joined(Object participant, Joined joined) {
        List<Waiter> stale;
        synchronized (this) {
            int moves =
                    joined.getState().hasChess() ? joined.getState().getChess().getUciMovesCount() : 0;
            Member old = members.put(participant, new Member(joined.getLastSequence(), moves, keepMoves));
            stale = old == null ? null : old.waiters;
        }
        runAll(stale);
    }

    public void left(Object participant) {
        Member gone;
        synchronized (this) {
            gone = members.remove(participant);
        }
        // Nothing more will arrive for it: whatever waited on it goes now rather than never.
        runAll(gone == null ? null : gone.waiters);
    }

    /**
     * Runs {@code action} once {@code participant} has seen {@code moves} moves in this room: at
     * once if it has, or if it is not in the room (it would never see them); else on the event
     * loop that delivers the move that makes the count. Used to keep a replayed move behind the
     * moves it answered.
     */
    public void whenSeen(Object participant, int moves, Runnable action) {
        synchronized (this) {
            Member m = members.get(participant);
            if (m != null && m.moveCount < moves) {
                if (m.waiters == null) {
                    m.waiters = new ArrayList<>();
                }
                m.waiters.add(new Waiter(moves, action));
                return;
            }
        }
        action.run();
    }

    /** Moves on the board as {@code participant} has seen them; -1 if it is not in the room. */
    public synchronized int movesSeenBy(Object participant) {
        Member m = members.get(participant);
        return m == null ? -1 : m.moveCount;
    }

    private static void runAll(List<Waiter> waiters) {
        if (waiters != null) {
            waiters.forEach(w -> w.action().run());
        }
    }

    /** An event of this room reached {@code participant}; {@code requestId} is set on the sender's copy. */
    public void event(Object participant, RoomEvent event, String requestId, long nowNanos) {
        List<Waiter> ready = null;
        synchronized (this) {
            Member member = members.get(participant);
            if (member == null) {
                return;
            }
            long sequence = event.getSequence();
            if (sequence != member.lastSequence + 1) {
                stats.get().sequenceGap();
            }
            member.lastSequence = Math.max(member.lastSequence, sequence);
            if (!event.hasMoveMade()) {
                return;
            }
            if (member.moves != null) {
                member.moves.add(event.getMoveMade().getUci());
            }
            member.moveCount++;
            if (member.waiters != null) {
                ready = new ArrayList<>();
                for (java.util.Iterator<Waiter> it = member.waiters.iterator(); it.hasNext(); ) {
                    Waiter w = it.next();
                    if (w.moves() <= member.moveCount) {
                        ready.add(w);
                        it.remove();
                    }
                }
            }
            track(sequence, requestId, nowNanos);
        }
        runAll(ready);
    }

    private void track(long sequence, String requestId, long nowNanos) {
        if (sequence <= lastCompleted) {
            return;
        }
        Pending p = pending.get(sequence);
        if (p == null) {
            int expected = 0;
            for (Member m : members.values()) {
                if (m.joinedAt < sequence) {
                    expected++;
                }
            }
            p = new Pending(expected);
            pending.put(sequence, p);
        }
        p.arrived++;
        p.lastArrivalNanos = Math.max(p.lastArrivalNanos, nowNanos);
        if (!requestId.isEmpty()) {
            Long sentAt = intended.remove(requestId);
            if (sentAt != null) {
                p.intendedNanos = sentAt;
            }
        }
        if (p.arrived >= p.expected && p.intendedNanos >= 0) {
            pending.remove(sequence);
            lastCompleted = Math.max(lastCompleted, sequence);
            stats.get().moveCompleted(p.lastArrivalNanos - p.intendedNanos);
        }
    }

    /** Moves whose broadcast has not yet reached every participant (or whose sender never saw it). */
    public synchronized int incompleteMoves() {
        return pending.size();
    }

    /** The moves still incomplete, for a report: "seq N: A of E participants, sent at known|unknown". */
    public synchronized List<String> describeIncomplete(int max) {
        List<String> out = new ArrayList<>();
        pending.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .limit(max)
                .forEach(e -> out.add("seq " + e.getKey() + ": " + e.getValue().arrived + " of " + e.getValue().expected
                        + " participants" + (e.getValue().intendedNanos < 0 ? ", its sender's copy not seen" : "")));
        return out;
    }

    /** The UCI moves each participant saw, in order (needs {@code keepMoves}). */
    public synchronized Map<Object, List<String>> movesSeen() {
        Map<Object, List<String>> seen = new HashMap<>();
        members.forEach((p, m) -> seen.put(p, m.moves == null ? List.of() : List.copyOf(m.moves)));
        return seen;
    }
}
