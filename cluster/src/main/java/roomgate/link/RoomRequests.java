package roomgate.link;

import roomgate.protocol.v1.ClientMessage;

/** Which room a client request concerns: what the gateway routes on and the node stripes on. */
public final class RoomRequests {
    private RoomRequests() {}

    /** The room ID a room request (join, leave, move, chat, draw claim, arena input) names; empty for others. */
    public static String roomIdOf(ClientMessage message) {
        return switch (message.getBodyCase()) {
            case JOIN -> message.getJoin().getRoomId();
            case LEAVE -> message.getLeave().getRoomId();
            case MOVE -> message.getMove().getRoomId();
            case CHAT -> message.getChat().getRoomId();
            case CLAIM_DRAW -> message.getClaimDraw().getRoomId();
            case ARENA_INPUT -> message.getArenaInput().getRoomId();
            default -> "";
        };
    }
}
