package roomgate.node.room;

import java.time.Duration;
import java.util.Collection;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.RoomState;

/**
 * The game logic of one room type, plain and single-threaded: the registry calls a room from one
 * thread at a time and does everything around it (participants, chat, sequence numbers, delivery,
 * replication). A room decides seats, applies game messages under its rules, optionally advances on
 * a fixed tick, and describes its state as protobuf so that a late joiner can draw it and so that
 * the state can be saved and restored.
 *
 * <p>Durability is the room type's choice. By default every game event is appended to the room's
 * replicated log before anyone hears of it, and a new owner rebuilds the room by {@link #replay}ing
 * the log. A room with a {@link #snapshotInterval()} (a 30 Hz arena) instead has its whole state
 * replicated that often; its game events are not logged, and a crash costs it at most that interval.
 */
public interface Room {

    GameType type();

    /**
     * The seat for a client that asks to join; called before it is added to {@code present}.
     *
     * @throws RoomException SEAT_TAKEN and the like
     */
    roomgate.protocol.v1.Seat seatFor(JoinRoom request, Collection<Participant> present);

    /** A participant was seated (with the seat {@link #seatFor} chose), before its Joined is built. */
    default void joined(Participant participant) {}

    /** A participant left the room (or its reconnect grace ran out). */
    default void left(Participant participant) {}

    /**
     * Applies a game message (a chess move, say) from a participant and returns the event to
     * broadcast, without room id or sequence number: the registry adds those. Returns null when the
     * message changes nothing others must hear of now (an arena input shows in the next tick).
     *
     * @throws RoomException when the rules refuse it; the room's state is then unchanged
     */
    RoomEvent.Builder apply(Participant from, ClientMessage message);

    /** Writes the game's state (not participants or chat: the registry adds those). */
    void describe(RoomState.Builder state);

    /**
     * Re-applies a logged game event (one {@link #apply} produced), when the room is rebuilt from its
     * replicated log on another node. Rooms with a snapshot interval are never replayed.
     */
    default void replay(RoomEvent event) {
        throw new UnsupportedOperationException(type() + " rooms are restored from snapshots, not replayed");
    }

    /**
     * The period of this room's fixed tick, or null (the default) if the room only reacts to
     * messages. Must not change over the room's life.
     */
    default Duration tickInterval() {
        return null;
    }

    /**
     * Advances the game by one tick and returns the event to broadcast (as {@link #apply}), or null.
     * Called on the room's thread every {@link #tickInterval()} while anyone is in the room.
     */
    default RoomEvent.Builder tick() {
        return null;
    }

    /**
     * Whether the game is over: the room becomes read-only, stays joinable for the finished grace so
     * late spectators see the end, and is then archived and leaves the cluster. False by default.
     */
    default boolean finished() {
        return false;
    }

    /**
     * Whether the game ends when the room has been empty for the idle time (an arena: a round lasts
     * while someone plays), so that unloading it archives it, instead of keeping its record for the
     * next join (a chess game left half way). False by default.
     */
    default boolean endsWhenEmpty() {
        return false;
    }

    /** How often the room's state is replicated whole, or null (the default) to log every event instead. */
    default Duration snapshotInterval() {
        return null;
    }
}
