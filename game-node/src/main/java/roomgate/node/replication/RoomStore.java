package roomgate.node.replication;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import roomgate.protocol.store.v1.RoomRecord;
import roomgate.protocol.v1.ChatMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.RoomState;

/**
 * Where room ownership and accepted events are kept beyond this JVM. Every write names the
 * writer's epoch and is refused if it is not the room's current one: a node that lost a room —
 * paused past the heartbeat timeout, cut off, or simply slow — cannot write to it again. All methods
 * are asynchronous: room threads never wait on the network.
 */
public interface RoomStore {

    /**
     * Takes the room for {@code nodeId} with a new epoch, if nobody else may have it: when it has no
     * record yet (and {@code createAs} is a game type — only a join creates rooms), when this node
     * owns it already, or when its owner is not in {@code liveNodeIds}.
     */
    CompletionStage<Claim> claim(String roomId, String nodeId, Set<String> liveNodeIds, GameType createAs);

    /**
     * Appends accepted events (in sequence order, after the stored ones) as one write;
     * completes with false if {@code epoch} is no longer the room's. Events already stored are
     * skipped, so a write retried by the cluster is not applied twice.
     */
    CompletionStage<Boolean> append(String roomId, long epoch, List<RoomEvent> events);

    /**
     * Replaces the room's state with a snapshot as of {@code sequence} (dropping the logged events it
     * covers); for rooms that replicate snapshots. Completes with false if {@code epoch} is stale.
     */
    CompletionStage<Boolean> snapshot(
            String roomId, long epoch, RoomState state, long sequence, List<ChatMessage> chat);

    /** Hands the room to {@code toNodeId} with epoch + 1; completes with false if {@code epoch} is stale. */
    CompletionStage<Boolean> transfer(String roomId, long epoch, String toNodeId);

    /** The record as it is now, or null: for operators (admin API), never on a room's hot path. */
    CompletionStage<RoomRecord> read(String roomId);

    /** The answer to {@link #claim}. */
    record Claim(Outcome outcome, RoomRecord record, String ownerNodeId) {
        public enum Outcome {
            /** The room is this node's, at {@code record.epoch}; rebuild it from {@code record}. */
            CLAIMED,
            /** A live node owns it: {@code ownerNodeId}. */
            OWNED_ELSEWHERE,
            /** No such room, and the request may not create one. */
            ABSENT
        }
    }
}
