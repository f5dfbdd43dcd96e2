package roomgate.node.replication;

import java.util.List;
import java.util.Set;
import roomgate.protocol.link.v1.RoomRecord;
import roomgate.protocol.v1.ChatMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.RoomState;

/**
 * The ownership rules, in one place, applied atomically to a room's record by whichever store
 * holds it: who may take a room, and which writes an epoch allows.
 */
final class ClaimRules {
    private ClaimRules() {}

    /** The record after {@code nodeId} claims it, or null if it may not (see {@link RoomStore#claim}). */
    static RoomRecord claim(RoomRecord current, String roomId, String nodeId, Set<String> liveNodeIds, GameType createAs) {
        if (current == null) {
            if (createAs == GameType.GAME_TYPE_UNSPECIFIED) {
                return null;
            }
            return RoomRecord.newBuilder().setRoomId(roomId).setGameType(createAs)
                    .setOwnerNodeId(nodeId).setEpoch(1).build();
        }
        boolean ownerMayLive = !current.getOwnerNodeId().equals(nodeId) && liveNodeIds.contains(current.getOwnerNodeId());
        if (ownerMayLive) {
            return null;
        }
        // Even when it was ours already: a new epoch fences whatever an earlier incarnation still sends.
        return current.toBuilder().setOwnerNodeId(nodeId).setEpoch(current.getEpoch() + 1).build();
    }

    /** The record with its state replaced by a snapshot as of {@code sequence}. */
    static RoomRecord withSnapshot(RoomRecord current, RoomState state, long sequence, List<ChatMessage> chat) {
        RoomRecord.Builder next = current.toBuilder().clearEvents().setSnapshot(state).setSnapshotSequence(sequence)
                .clearSnapshotChat().addAllSnapshotChat(chat);
        for (RoomEvent event : current.getEventsList()) {
            if (event.getSequence() > sequence) {
                next.addEvents(event);
            }
        }
        return next.build();
    }

    static boolean mayWrite(RoomRecord current, long epoch) {
        return current != null && current.getEpoch() == epoch;
    }
}
