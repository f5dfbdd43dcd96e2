package roomgate.gateway.auth;

import java.util.Collection;
import java.util.List;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.Role;

/**
 * Who a connection is: the player id (a token's {@code sub}, or an anonymous id under
 * {@code --auth none}), which names it as a participant in every room and owns its seats, and what
 * the token allows. A token may restrict its bearer to spectating, and to rooms and topics matching
 * its lists (an entry is a name, or a prefix ending in {@code *}); null lists allow everything.
 */
public record Identity(String playerId, boolean spectateOnly, List<String> rooms, List<String> topics) {

    public Identity {
        rooms = rooms == null ? null : List.copyOf(rooms);
        topics = topics == null ? null : List.copyOf(topics);
    }

    /** A connection nobody vouched for (--auth none): may do everything, as before identities existed. */
    public static Identity anonymous(String playerId) {
        return new Identity(playerId, false, null, null);
    }

    /** Why the token forbids this room request, or null if it allows it. */
    public String refusal(ClientMessage message, String roomId) {
        if (rooms != null && !matchesAny(rooms, roomId)) {
            return "room '" + roomId + "': this token allows only rooms " + rooms;
        }
        if (spectateOnly) {
            switch (message.getBodyCase()) {
                case JOIN -> {
                    if (message.getJoin().getRole() != Role.SPECTATOR) {
                        return "join: this token may only spectate (join with role SPECTATOR)";
                    }
                }
                case MOVE, CLAIM_DRAW, ARENA_INPUT -> {
                    return message.getBodyCase().name().toLowerCase(java.util.Locale.ROOT)
                            + ": this token may only spectate";
                }
                default -> {}
            }
        }
        return null;
    }

    /** Why the token forbids one of these rooms (a resume), or null. */
    public String roomsRefusal(Collection<String> roomIds) {
        if (rooms != null) {
            for (String roomId : roomIds) {
                if (!matchesAny(rooms, roomId)) {
                    return "room '" + roomId + "': this token allows only rooms " + rooms;
                }
            }
        }
        return null;
    }

    /** Why the token forbids subscribing one of these topics, or null. */
    public String topicsRefusal(Collection<String> wanted) {
        if (topics != null) {
            for (String topic : wanted) {
                if (!matchesAny(topics, topic)) {
                    return "topic '" + topic + "': this token allows only topics " + topics;
                }
            }
        }
        return null;
    }

    private static boolean matchesAny(List<String> patterns, String name) {
        for (String pattern : patterns) {
            if (pattern.endsWith("*")
                    ? name.startsWith(pattern.substring(0, pattern.length() - 1))
                    : name.equals(pattern)) {
                return true;
            }
        }
        return false;
    }
}
