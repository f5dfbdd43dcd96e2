package roomgate.node.room;

import roomgate.node.room.chess.ChessRoom;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.GameType;

/** Creates a new, empty room of a requested type; the one place that lists the room types. */
public final class RoomTypes {
    private RoomTypes() {}

    /** Whether this node runs rooms of {@code type}. */
    public static boolean supports(GameType type) {
        return type == GameType.CHESS;
    }

    /** @throws RoomException UNKNOWN_GAME_TYPE for a type this node does not run */
    public static Room create(GameType type) {
        if (type == GameType.CHESS) {
            return new ChessRoom();
        }
        throw new RoomException(ErrorCode.UNKNOWN_GAME_TYPE,
                "game_type: " + type + " (expected: CHESS)");
    }
}
