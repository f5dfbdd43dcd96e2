package roomgate.systemtest;

import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.Side;

/** The chess requests the system tests send: a join (creating the room if needed) and a move. */
final class ChessMessages {
    private ChessMessages() {}

    static ClientMessage join(String roomId, Role role, Side side) {
        return ClientMessage.newBuilder()
                .setJoin(JoinRoom.newBuilder()
                        .setRoomId(roomId)
                        .setGameType(GameType.CHESS)
                        .setRole(role)
                        .setSide(side))
                .build();
    }

    static ClientMessage move(String roomId, String uci) {
        return ClientMessage.newBuilder()
                .setMove(ChessMove.newBuilder().setRoomId(roomId).setUci(uci))
                .build();
    }
}
