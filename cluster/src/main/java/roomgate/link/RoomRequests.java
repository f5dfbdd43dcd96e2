package roomgate.link;

import roomgate.protocol.v1.ClientMessage;

/** Which room a client request concerns: what the gateway routes on and the node stripes on. */
public final class RoomRequests {
    private RoomRequests() {}

    /** The room ID a join, leave, move, chat or arena input names; empty for requests that concern no room. */
    public static String roomIdOf(ClientMessage message) {
        return switch (message.getBodyCase()) {
            case JOIN -> message.getJoin().getRoomId();
            case LEAVE -> message.getLeave().getRoomId();
            case MOVE -> message.getMove().getRoomId();
            case CHAT -> message.getChat().getRoomId();
            case ARENA_INPUT -> message.getArenaInput().getRoomId();
            default -> "";
        };
    }
}
