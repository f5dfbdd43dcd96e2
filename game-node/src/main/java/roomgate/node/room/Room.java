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
 * thread at a time and does everything around it (participants, chat, sequence numbers, delivery).
 * A room decides seats, applies game messages under its rules, optionally advances on a fixed tick,
 * and describes its state as protobuf so that a late joiner can draw it and so that the state can be
 * saved and restored.
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

    /** A participant left the room or lost its connection. */
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
}
