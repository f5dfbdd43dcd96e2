package roomgate.gateway.session;

import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * What one connection may hold, whatever it asks for: rooms (each costs a seat and its state on a
 * node, kept through the reconnect grace) and feed topics (a conflation slot each, and maybe an
 * upstream subscription). Each method answers why a request would take the connection past its cap,
 * or null when it may go on. Confined to the connection's event loop.
 *
 * <p>A room counts from the moment its join (or resume) is sent, not only once the node has seated
 * the session: else a burst of joins sent before the first answer would all pass. A join whose room
 * is not seated within {@link #PENDING_NANOS} is no longer counted: it was refused (seat taken, wrong
 * game type...) or lost with its node, and the connection gets its place back.
 */
public final class SessionCaps {
    /** A join is answered in milliseconds, or within the 10 s a moving room holds its requests. */
    static final long PENDING_NANOS = 15_000_000_000L;

    private final int maxRooms;
    private final int maxTopics;
    /** Rooms asked for and not yet seated, with when they were asked for; at most {@code maxRooms}. */
    private final Map<String, Long> pending = new HashMap<>();

    public SessionCaps(int maxRooms, int maxTopics) {
        this.maxRooms = maxRooms;
        this.maxTopics = maxTopics;
    }

    /**
     * Why a join of {@code roomId} is refused ({@code TOO_MANY_ROOMS}), or null: then it is counted
     * until its room is seated or {@link #PENDING_NANOS} pass. A room already seated or being joined
     * costs nothing more (the node answers {@code ALREADY_IN_ROOM}).
     */
    public String join(Set<String> seated, String roomId, long nowNanos) {
        if (seated.contains(roomId) || pending.containsKey(roomId)) {
            return null;
        }
        int held = held(seated, nowNanos);
        if (held >= maxRooms) {
            return "join: this connection holds or is joining " + held + " rooms (expected: at most " + maxRooms
                    + " per connection; leave one first)";
        }
        pending.put(roomId, nowNanos);
        return null;
    }

    /**
     * Why a resume of {@code roomIds} is refused ({@code INVALID_ARGUMENT}: one resume can name at
     * most the rooms a connection may hold), or null; once it is sent, {@link #resuming} counts its rooms.
     */
    public String resume(Set<String> seated, Collection<String> roomIds, long nowNanos) {
        if (roomIds.size() > maxRooms) {
            return "resume.last_sequences: " + roomIds.size() + " rooms (expected: at most " + maxRooms
                    + ", the rooms one connection may hold)";
        }
        int held = held(seated, nowNanos);
        int added = 0;
        for (String roomId : roomIds) {
            added += seated.contains(roomId) || pending.containsKey(roomId) ? 0 : 1;
        }
        if (held + added > maxRooms) {
            return "resume.last_sequences: this connection would hold " + (held + added) + " rooms (expected: at most "
                    + maxRooms + ")";
        }
        return null;
    }

    /** A resume of {@code roomIds}, which {@link #resume} allowed, is sent: its rooms count as being joined. */
    public void resuming(Set<String> seated, Collection<String> roomIds, long nowNanos) {
        for (String roomId : roomIds) {
            if (!seated.contains(roomId)) {
                pending.putIfAbsent(roomId, nowNanos);
            }
        }
    }

    /** Why subscribing is refused ({@code TOO_MANY_TOPICS}) when it would make {@code subscriptions}, or null. */
    public String subscribe(int subscriptions) {
        if (subscriptions > maxTopics) {
            return "subscribe.topics: this would make " + subscriptions + " subscriptions (expected: at most "
                    + maxTopics + " per connection)";
        }
        return null;
    }

    /** Rooms seated, plus those asked for recently and not seated yet; forgets the rest. */
    private int held(Set<String> seated, long nowNanos) {
        for (Iterator<Map.Entry<String, Long>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> e = it.next();
            if (seated.contains(e.getKey()) || nowNanos - e.getValue() > PENDING_NANOS) {
                it.remove();
            }
        }
        return seated.size() + pending.size();
    }
}
