package roomgate.wire.client;

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

    /** Room IDs are at most this long. */
    public static final int MAX_ROOM_ID_CHARS = 128;

    /**
     * Why {@code roomId} is no valid room ID, or null if it is one. Room IDs go into logs, metrics
     * and recordings: they are kept short and plain. Whoever accepts client requests (the gateway,
     * a node's direct listener) checks them with this.
     */
    public static String checkRoomId(String roomId) {
        if (roomId.isEmpty()) {
            return "room_id: empty (expected: 1.." + MAX_ROOM_ID_CHARS + " chars of A-Z a-z 0-9 . _ : -)";
        }
        if (roomId.length() > MAX_ROOM_ID_CHARS) {
            return "room_id: " + roomId.length() + " chars (expected: at most " + MAX_ROOM_ID_CHARS + ")";
        }
        for (int i = 0; i < roomId.length(); i++) {
            char c = roomId.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == ':'
                    || c == '-';
            if (!ok) {
                return "room_id: character '" + c + "' at " + i + " (expected: A-Z a-z 0-9 . _ : -)";
            }
        }
        return null;
    }
}
