package roomgate.node.replication;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import roomgate.protocol.store.v1.RoomRecord;
import roomgate.protocol.v1.ChatMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.RoomState;

/**
 * {@link RoomStore} in this JVM's memory, applying the same {@link RecordOps} as the replicated one:
 * for unit tests, and for measuring what replication costs ({@code --durability memory}). Nothing
 * survives the process.
 */
public final class LocalRoomStore implements RoomStore {
    private final Map<String, byte[]> rooms = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Claim> claim(String roomId, String nodeId, Set<String> liveNodeIds, GameType createAs) {
        String token = UUID.randomUUID().toString();
        return apply(roomId, stored -> RecordOps.claim(stored, roomId, nodeId, liveNodeIds, createAs, token))
                .thenApply(RecordOps::toClaim);
    }

    @Override
    public CompletionStage<Boolean> append(String roomId, long epoch, List<RoomEvent> events) {
        byte[] batch = RecordOps.batchOf(events);
        return apply(roomId, stored -> RecordOps.append(stored, epoch, batch));
    }

    @Override
    public CompletionStage<Boolean> snapshot(
            String roomId, long epoch, RoomState state, long sequence, List<ChatMessage> chat) {
        return apply(roomId, stored -> RecordOps.snapshot(stored, epoch, state, sequence, chat));
    }

    @Override
    public CompletionStage<Boolean> transfer(String roomId, long epoch, String toNodeId) {
        String token = UUID.randomUUID().toString();
        return apply(roomId, stored -> RecordOps.transfer(stored, epoch, toNodeId, token));
    }

    @Override
    public CompletionStage<RoomRecord> read(String roomId) {
        byte[] stored = rooms.get(roomId);
        return CompletableFuture.completedFuture(stored == null ? null : RecordOps.parse(stored));
    }

    private <R> CompletionStage<R> apply(String roomId, Function<byte[], RecordOps.Result<R>> write) {
        @SuppressWarnings("unchecked")
        R[] answer = (R[]) new Object[1];
        try {
            rooms.compute(roomId, (id, stored) -> {
                RecordOps.Result<R> result = write.apply(stored);
                answer[0] = result.answer();
                return result.next() != null ? result.next() : stored;
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.completedFuture(answer[0]);
    }
}
