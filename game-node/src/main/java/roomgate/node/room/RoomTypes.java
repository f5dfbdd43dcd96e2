package roomgate.node.room;

import roomgate.node.room.arena.ArenaRoom;
import roomgate.node.room.chess.ChessRoom;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.GameType;

/** Creates a new, empty room of a requested type; the one place that lists the room types. */
public final class RoomTypes {
    private RoomTypes() {}

    /** @throws RoomException UNKNOWN_GAME_TYPE for a type this node does not run */
    public static Room create(GameType type) {
        return switch (type) {
            case CHESS -> new ChessRoom();
            case ARENA -> new ArenaRoom();
            default -> throw new RoomException(ErrorCode.UNKNOWN_GAME_TYPE,
                    "game_type: " + type + " (expected: CHESS or ARENA)");
        };
    }
}
