package roomgate.node.room.arena;

import java.time.Duration;
import java.util.Collection;
import roomgate.node.room.Participant;
import roomgate.node.room.Room;
import roomgate.node.room.RoomException;
import roomgate.protocol.v1.ArenaInput;
import roomgate.protocol.v1.ArenaState;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.RoomState;
import roomgate.protocol.v1.Seat;

/**
 * An arena room: a real-time game of tag ({@link ArenaWorld}) ticking 30 times a second, with up to
 * {@link ArenaWorld#MAX_PLAYERS} players and any number of spectators. It checks what clients send,
 * feeds players' inputs to the world, and on every tick broadcasts the whole world as an
 * {@code arena_tick}: at this size a full snapshot (well under 1 KiB) is simpler and more robust
 * than deltas, and any tick is enough to draw the game.
 */
public final class ArenaRoom implements Room {
    public static final Duration TICK = Duration.ofNanos(1_000_000_000L / ArenaWorld.TICKS_PER_SECOND);
    /**
     * Replicating 30 states a second per arena would cost more than the game; once a second means a
     * crash loses at most the last second of play, and a drain loses nothing (it snapshots last).
     */
    public static final Duration SNAPSHOT_EVERY = Duration.ofSeconds(1);

    private final ArenaWorld world;

    public ArenaRoom() {
        this(new ArenaWorld());
    }

    private ArenaRoom(ArenaWorld world) {
        this.world = world;
    }

    /**
     * The room an {@code ArenaState} (from {@link #describe}) describes, players included; a
     * participant who joins under the id of a restored player takes its disc back.
     *
     * @throws IllegalArgumentException if the state is not a valid arena
     */
    public static ArenaRoom restore(ArenaState state) {
        return new ArenaRoom(ArenaWorld.restore(state));
    }

    /** A round of tag lasts while someone plays: an arena left empty for the idle time is over, and archived. */
    @Override
    public boolean endsWhenEmpty() {
        return true;
    }

    @Override
    public GameType type() {
        return GameType.ARENA;
    }

    @Override
    public Seat seatFor(JoinRoom request, Collection<Participant> present) {
        if (request.getRole() == Role.SPECTATOR) {
            return Seat.SEAT_SPECTATOR;
        }
        long players =
                present.stream().filter(p -> p.seat() == Seat.SEAT_PLAYER).count();
        if (players >= ArenaWorld.MAX_PLAYERS) {
            throw new RoomException(
                    ErrorCode.ROOM_FULL,
                    "the arena has " + players + " players, the most it takes (join as SPECTATOR)");
        }
        return Seat.SEAT_PLAYER;
    }

    @Override
    public void joined(Participant participant) {
        if (participant.seat() == Seat.SEAT_PLAYER && !world.hasPlayer(participant.participantId())) {
            world.addPlayer(participant.participantId());
        }
    }

    @Override
    public void left(Participant participant) {
        if (participant.seat() == Seat.SEAT_PLAYER) {
            world.removePlayer(participant.participantId());
        }
    }

    /** Applies an input at once; nothing is broadcast until the next tick, which shows its effect. */
    @Override
    public RoomEvent.Builder apply(Participant from, ClientMessage message) {
        if (message.getBodyCase() != ClientMessage.BodyCase.ARENA_INPUT) {
            throw new RoomException(
                    ErrorCode.INVALID_ARGUMENT,
                    message.getBodyCase() + " is not an arena room message (expected: arena_input)");
        }
        if (from.seat() != Seat.SEAT_PLAYER) {
            throw new RoomException(ErrorCode.SPECTATOR_CANNOT_MOVE, "spectators cannot move (join as a player)");
        }
        ArenaInput input = message.getArenaInput();
        checkAxis("move_x", input.getMoveX());
        checkAxis("move_y", input.getMoveY());
        long last = world.lastInputSequence(from.participantId());
        // Inputs arrive in order over one connection: an old number is a client bug worth reporting.
        if (Long.compareUnsigned(input.getInputSequence(), last) <= 0) {
            throw new RoomException(
                    ErrorCode.INVALID_ARGUMENT,
                    "arena_input.input_sequence: "
                            + Long.toUnsignedString(input.getInputSequence()) + " (expected: > "
                            + Long.toUnsignedString(last) + ", the last one applied)");
        }
        world.input(
                from.participantId(), input.getMoveX(), input.getMoveY(), input.getDash(), input.getInputSequence());
        return null;
    }

    private static void checkAxis(String field, float value) {
        if (!(value >= -1f && value <= 1f)) {
            throw new RoomException(
                    ErrorCode.INVALID_ARGUMENT,
                    "arena_input." + field + ": " + value + " (expected: a number in [-1, 1])");
        }
    }

    @Override
    public void describe(RoomState.Builder state) {
        state.setArena(world.snapshot());
    }

    @Override
    public Duration tickInterval() {
        return TICK;
    }

    @Override
    public Duration snapshotInterval() {
        return SNAPSHOT_EVERY;
    }

    @Override
    public RoomEvent.Builder tick() {
        world.step();
        return RoomEvent.newBuilder().setArenaTick(world.snapshot());
    }
}
