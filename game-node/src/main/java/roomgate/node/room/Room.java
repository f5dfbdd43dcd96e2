package roomgate.node.room;

import java.util.Collection;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.RoomState;

/**
 * The game logic of one room type, plain and single-threaded: the registry calls a room from one
 * thread at a time and does everything around it (participants, chat, sequence numbers, delivery).
 * A room decides seats, applies game messages under its rules, and describes its state as protobuf
 * so that a late joiner can draw it and so that the state can be saved and restored.
 */
public interface Room {

    GameType type();

    /**
     * The seat for a client that asks to join; called before it is added to {@code present}.
     *
     * @throws RoomException SEAT_TAKEN and the like
     */
    roomgate.protocol.v1.Seat seatFor(JoinRoom request, Collection<Participant> present);

    /**
     * Applies a game message (a chess move, say) from a participant and returns the event to
     * broadcast, without room id or sequence number: the registry adds those.
     *
     * @throws RoomException when the rules refuse it; the room's state is then unchanged
     */
    RoomEvent.Builder apply(Participant from, ClientMessage message);

    /** Writes the game's state (not participants or chat: the registry adds those). */
    void describe(RoomState.Builder state);

    /**
     * Re-applies an event this room type produced earlier (from {@link #apply}), when the room is
     * rebuilt from its replicated log on another node. Events of other kinds are not passed here.
     */
    void replay(RoomEvent event);
}
