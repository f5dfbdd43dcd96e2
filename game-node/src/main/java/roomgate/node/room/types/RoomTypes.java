package roomgate.node.room.types;

import roomgate.node.room.Room;
import roomgate.node.room.RoomException;
import roomgate.node.room.arena.ArenaRoom;
import roomgate.node.room.chess.ChessRoom;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.RoomState;

/** Creates rooms of a requested type, new or from a snapshot; the one place that lists the room types. */
public final class RoomTypes {
    private RoomTypes() {}

    /** Whether this node runs rooms of {@code type}. */
    public static boolean supports(GameType type) {
        return type == GameType.CHESS || type == GameType.ARENA;
    }

    /** @throws RoomException UNKNOWN_GAME_TYPE for a type this node does not run */
    public static Room create(GameType type) {
        return switch (type) {
            case CHESS -> new ChessRoom();
            case ARENA -> new ArenaRoom();
            default ->
                throw new RoomException(
                        ErrorCode.UNKNOWN_GAME_TYPE, "game_type: " + type + " (expected: CHESS or ARENA)");
        };
    }

    /** A room of a snapshot-replicated type, as its last replicated snapshot left it. */
    public static Room restore(GameType type, RoomState snapshot) {
        if (type == GameType.ARENA) {
            return ArenaRoom.restore(snapshot.getArena());
        }
        throw new IllegalArgumentException(type + " rooms are rebuilt from their log, not from snapshots");
    }
}
