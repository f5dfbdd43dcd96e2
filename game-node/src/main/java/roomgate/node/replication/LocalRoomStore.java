package roomgate.node.replication;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import roomgate.protocol.link.v1.RoomRecord;
import roomgate.protocol.v1.ChatMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.RoomState;

/**
 * {@link RoomStore} in this JVM's memory, with the same rules as the replicated one: for unit tests,
 * and for measuring what replication costs ({@code --durability memory}). Nothing survives the
 * process.
 */
public final class LocalRoomStore implements RoomStore {
    private final Map<String, RoomRecord> rooms = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Claim> claim(String roomId, String nodeId, Set<String> liveNodeIds, GameType createAs) {
        RoomRecord[] claimed = new RoomRecord[1];
        RoomRecord after = rooms.compute(roomId, (id, current) -> {
            claimed[0] = ClaimRules.claim(current, id, nodeId, liveNodeIds, createAs);
            return claimed[0] != null ? claimed[0] : current;
        });
        if (claimed[0] != null) {
            return CompletableFuture.completedFuture(new Claim(Claim.Outcome.CLAIMED, claimed[0], nodeId));
        }
        return CompletableFuture.completedFuture(after == null
                ? new Claim(Claim.Outcome.ABSENT, null, "")
                : new Claim(Claim.Outcome.OWNED_ELSEWHERE, null, after.getOwnerNodeId()));
    }

    @Override
    public CompletionStage<Boolean> append(String roomId, long epoch, RoomEvent event) {
        boolean[] ok = new boolean[1];
        rooms.computeIfPresent(roomId, (id, current) -> {
            ok[0] = ClaimRules.mayWrite(current, epoch);
            return ok[0] ? current.toBuilder().addEvents(event).build() : current;
        });
        return CompletableFuture.completedFuture(ok[0]);
    }

    @Override
    public CompletionStage<Boolean> snapshot(String roomId, long epoch, RoomState state, long sequence,
            List<ChatMessage> chat) {
        boolean[] ok = new boolean[1];
        rooms.computeIfPresent(roomId, (id, current) -> {
            ok[0] = ClaimRules.mayWrite(current, epoch);
            return ok[0] ? ClaimRules.withSnapshot(current, state, sequence, chat) : current;
        });
        return CompletableFuture.completedFuture(ok[0]);
    }

    @Override
    public CompletionStage<Boolean> transfer(String roomId, long epoch, String toNodeId) {
        boolean[] ok = new boolean[1];
        rooms.computeIfPresent(roomId, (id, current) -> {
            ok[0] = ClaimRules.mayWrite(current, epoch);
            return ok[0] ? current.toBuilder().setOwnerNodeId(toNodeId).setEpoch(epoch + 1).build() : current;
        });
        return CompletableFuture.completedFuture(ok[0]);
    }

    @Override
    public CompletionStage<RoomRecord> read(String roomId) {
        return CompletableFuture.completedFuture(rooms.get(roomId));
    }
}
