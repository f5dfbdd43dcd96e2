package roomgate.node.registry;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import roomgate.node.room.ChatHistory;
import roomgate.node.room.Participant;
import roomgate.node.room.Room;
import roomgate.node.room.RoomException;
import roomgate.node.tick.TickStats;
import roomgate.protocol.v1.ChatMessage;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Joined;
import roomgate.protocol.v1.Left;
import roomgate.protocol.v1.ParticipantJoined;
import roomgate.protocol.v1.ParticipantLeft;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.RoomState;
import roomgate.protocol.v1.ServerMessage;

/**
 * One live room in the registry: the game ({@link Room}) plus everything every room has —
 * participants, the chat history, the per-room event sequence, tick statistics for rooms that tick —
 * and delivery of its events, once per gateway link. Only its stripe's thread calls it.
 */
final class RoomHost {
    static final int CHAT_HISTORY = 10;
    static final int MAX_CHAT_CHARS = 500;

    private final String roomId;
    private final String nodeId;
    private final Room room;
    private final ChatHistory chat = new ChatHistory(CHAT_HISTORY);
    /** Participants grouped by link, so that an event crosses each link once. Insertion-ordered. */
    private final Map<GatewayLink, Map<Long, Participant>> byLink = new LinkedHashMap<>();
    private final Duration tickInterval;
    private final TickStats tickStats;
    private long sequence;
    private int participantCount;

    RoomHost(String roomId, String nodeId, Room room) {
        this.roomId = roomId;
        this.nodeId = nodeId;
        this.room = room;
        this.tickInterval = room.tickInterval();
        // A quarter period late leaves a tick three quarters of its budget: worth counting.
        this.tickStats = tickInterval == null ? null : new TickStats(tickInterval.dividedBy(4));
    }

    boolean isEmpty() {
        return participantCount == 0;
    }

    Room room() {
        return room;
    }

    /** The room's tick period, or null if it does not tick. */
    Duration tickInterval() {
        return tickInterval;
    }

    /** How the room's ticks keep time, over its whole life; null if it does not tick. */
    TickStats tickStats() {
        return tickStats;
    }

    /** One tick of the game, broadcast to everyone in the room. */
    void tick() {
        RoomEvent.Builder event = room.tick();
        if (event != null) {
            publish(event, null, "");
        }
    }

    void join(SessionKey who, String requestId, JoinRoom request) {
        if (participant(who) != null) {
            throw new RoomException(ErrorCode.ALREADY_IN_ROOM, "already in room '" + roomId + "'");
        }
        if (request.getGameType() != room.type()) {
            throw new RoomException(ErrorCode.GAME_TYPE_MISMATCH,
                    "room '" + roomId + "' is a " + room.type() + " room (asked: " + request.getGameType() + ")");
        }
        String participantId = who.link().gatewayId() + "-" + who.sessionId();
        Participant joining = new Participant(participantId, request.getDisplayName(), room.seatFor(request, all()));

        // Broadcast before seating: the joiner learns of itself from Joined, not from this event.
        publish(RoomEvent.newBuilder().setParticipantJoined(ParticipantJoined.newBuilder().setParticipant(joining.toProto())),
                null, "");
        byLink.computeIfAbsent(who.link(), l -> new LinkedHashMap<>()).put(who.sessionId(), joining);
        participantCount++;
        room.joined(joining);

        RoomState.Builder state = RoomState.newBuilder();
        all().forEach(p -> state.addParticipants(p.toProto()));
        room.describe(state);
        Joined joined = Joined.newBuilder()
                .setRoomId(roomId)
                .setGameType(room.type())
                .setOwnerNodeId(nodeId)
                .setParticipantId(participantId)
                .setSeat(joining.seat())
                .setLastSequence(sequence)
                .setState(state)
                .addAllChatHistory(chat.latest())
                .build();
        who.link().reply(who.sessionId(),
                ServerMessage.newBuilder().setRequestId(requestId).setJoined(joined).build(), roomId, "");
    }

    /** Removes a participant; {@code requestId} is null when it left by disconnecting. */
    void leave(SessionKey who, String requestId) {
        Participant leaving = remove(who);
        if (leaving == null) {
            if (requestId != null) {
                throw notIn();
            }
            return;
        }
        room.left(leaving);
        if (requestId != null) {
            // Unseat at the gateway first, so the leaver does not receive its own departure.
            who.link().reply(who.sessionId(), ServerMessage.newBuilder()
                    .setRequestId(requestId).setLeft(Left.newBuilder().setRoomId(roomId)).build(), "", roomId);
        }
        publish(RoomEvent.newBuilder().setParticipantLeft(ParticipantLeft.newBuilder().setParticipant(leaving.toProto())),
                null, "");
    }

    /** Drops every participant of a link that closed. */
    void linkClosed(GatewayLink link) {
        Map<Long, Participant> gone = byLink.remove(link);
        if (gone == null) {
            return;
        }
        participantCount -= gone.size();
        for (Participant p : gone.values()) {
            room.left(p);
            publish(RoomEvent.newBuilder().setParticipantLeft(ParticipantLeft.newBuilder().setParticipant(p.toProto())),
                    null, "");
        }
    }

    void chat(SessionKey who, String requestId, String text) {
        Participant from = participant(who);
        if (from == null) {
            throw notIn();
        }
        if (text.isBlank() || text.length() > MAX_CHAT_CHARS) {
            throw new RoomException(ErrorCode.INVALID_ARGUMENT,
                    "chat text: " + text.length() + " chars (expected: 1.." + MAX_CHAT_CHARS + ", not blank)");
        }
        ChatMessage message = ChatMessage.newBuilder()
                .setParticipantId(from.participantId())
                .setDisplayName(from.displayName())
                .setText(text)
                .setSentAtMs(System.currentTimeMillis())
                .build();
        chat.add(message);
        publish(RoomEvent.newBuilder().setChat(message), who, requestId);
    }

    void game(SessionKey who, String requestId, ClientMessage message) {
        Participant from = participant(who);
        if (from == null) {
            throw notIn();
        }
        RoomEvent.Builder event = room.apply(from, message);
        if (event != null) {
            publish(event, who, requestId);
        }
    }

    private RoomException notIn() {
        return new RoomException(ErrorCode.NOT_IN_ROOM, "not in room '" + roomId + "' (join it first)");
    }

    /** Numbers the event and sends it once over every link that has participants in the room. */
    private void publish(RoomEvent.Builder event, SessionKey origin, String requestId) {
        event.setRoomId(roomId).setSequence(++sequence).setServerTimeMs(System.currentTimeMillis());
        ByteString bytes = ServerMessage.newBuilder().setEvent(event).build().toByteString();
        for (GatewayLink link : byLink.keySet()) {
            boolean isOrigin = origin != null && origin.link() == link;
            link.broadcast(roomId, bytes, isOrigin ? origin.sessionId() : 0, isOrigin ? requestId : "");
        }
    }

    private Participant participant(SessionKey who) {
        Map<Long, Participant> sessions = byLink.get(who.link());
        return sessions == null ? null : sessions.get(who.sessionId());
    }

    private Participant remove(SessionKey who) {
        Map<Long, Participant> sessions = byLink.get(who.link());
        if (sessions == null) {
            return null;
        }
        Participant removed = sessions.remove(who.sessionId());
        if (removed != null) {
            participantCount--;
            if (sessions.isEmpty()) {
                byLink.remove(who.link());
            }
        }
        return removed;
    }

    private List<Participant> all() {
        List<Participant> all = new ArrayList<>(participantCount);
        byLink.values().forEach(m -> all.addAll(m.values()));
        return all;
    }
}
