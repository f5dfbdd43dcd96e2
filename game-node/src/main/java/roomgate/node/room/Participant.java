package roomgate.node.room;

import roomgate.protocol.v1.Seat;

/**
 * Someone in a room: a client session of some gateway, with the seat the room gave it. The
 * {@code participantId} names it in events and is unique across the cluster (gateway id and
 * session id).
 */
public record Participant(String participantId, String displayName, Seat seat) {

    public static Participant fromProto(roomgate.protocol.v1.Participant p) {
        return new Participant(p.getParticipantId(), p.getDisplayName(), p.getSeat());
    }

    public roomgate.protocol.v1.Participant toProto() {
        return roomgate.protocol.v1.Participant.newBuilder()
                .setParticipantId(participantId)
                .setDisplayName(displayName)
                .setSeat(seat)
                .build();
    }
}
