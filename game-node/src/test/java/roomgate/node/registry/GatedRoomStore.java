package roomgate.node.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import roomgate.node.replication.LocalRoomStore;
import roomgate.node.replication.RoomStore;
import roomgate.protocol.store.v1.RoomRecord;
import roomgate.protocol.v1.ChatMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.RoomState;

/**
 * The in-memory store, except that the test can close a gate in front of claims or appends: calls
 * then wait until it opens again (and go through), or fails them. The test holds a room in LOADING,
 * or its events on their way to the store, for as long as it needs to look.
 */
final class GatedRoomStore implements RoomStore {

    /** Calls wait here while it is closed. */
    static final class Gate {
        private final List<CompletableFuture<Void>> waiting = new ArrayList<>();
        private boolean closed;

        synchronized void close() {
            closed = true;
        }

        /** Lets the waiting calls through, and the next ones. */
        void open() {
            letThrough().forEach(w -> w.complete(null));
        }

        /** Fails the waiting calls, and lets the next ones through. */
        void fail(Throwable failure) {
            letThrough().forEach(w -> w.completeExceptionally(failure));
        }

        synchronized int waiting() {
            return waiting.size();
        }

        private synchronized List<CompletableFuture<Void>> letThrough() {
            closed = false;
            List<CompletableFuture<Void>> held = List.copyOf(waiting);
            waiting.clear();
            return held;
        }

        private <T> CompletionStage<T> pass(Supplier<CompletionStage<T>> call) {
            CompletableFuture<Void> held = null;
            synchronized (this) {
                if (closed) {
                    held = new CompletableFuture<>();
                    waiting.add(held);
                }
            }
            return held == null ? call.get() : held.thenCompose(x -> call.get());
        }
    }

    private final LocalRoomStore records = new LocalRoomStore();
    private final Gate claims = new Gate();
    private final Gate appends = new Gate();

    Gate claims() {
        return claims;
    }

    Gate appends() {
        return appends;
    }

    /** The store itself, past the gates. */
    LocalRoomStore records() {
        return records;
    }

    @Override
    public CompletionStage<Claim> claim(String roomId, String nodeId, Set<String> liveNodeIds, GameType createAs) {
        return claims.pass(() -> records.claim(roomId, nodeId, liveNodeIds, createAs));
    }

    @Override
    public CompletionStage<Boolean> append(String roomId, long epoch, List<RoomEvent> events) {
        return appends.pass(() -> records.append(roomId, epoch, events));
    }

    @Override
    public CompletionStage<Boolean> snapshot(
            String roomId, long epoch, RoomState state, long sequence, List<ChatMessage> chat) {
        return records.snapshot(roomId, epoch, state, sequence, chat);
    }

    @Override
    public CompletionStage<Boolean> transfer(String roomId, long epoch, String toNodeId) {
        return records.transfer(roomId, epoch, toNodeId);
    }

    @Override
    public CompletionStage<RoomRecord> read(String roomId) {
        return records.read(roomId);
    }
}
