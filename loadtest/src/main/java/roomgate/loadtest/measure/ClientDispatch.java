package roomgate.loadtest.measure;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import roomgate.protocol.v1.ServerMessage;

/**
 * The message listener of one load-test client: counts what it receives, hands room events, joins
 * and leaves to the room's {@link RoomWatch}, counts errors by code, and completes the futures of
 * requests the driver waits for (joins, leaves). Runs on the client's event loop; never blocks.
 */
public final class ClientDispatch implements Consumer<ServerMessage> {
    private final Object participant;
    private final RoomDirectory rooms;
    private final Supplier<RunStats> stats;
    private final Map<String, CompletableFuture<ServerMessage>> awaited = new ConcurrentHashMap<>();

    /**
     * @param participant how this client is named to room watches (any object with identity)
     * @param stats the figures to count into; a supplier so that a benchmark can switch phases
     */
    public ClientDispatch(Object participant, RoomDirectory rooms, Supplier<RunStats> stats) {
        this.participant = participant;
        this.rooms = rooms;
        this.stats = stats;
    }

    /** A future for the reply to the request with {@code requestId}; register before sending it. */
    public CompletableFuture<ServerMessage> expect(String requestId) {
        CompletableFuture<ServerMessage> future = new CompletableFuture<>();
        awaited.put(requestId, future);
        return future;
    }

    @Override
    public void accept(ServerMessage message) {
        long now = System.nanoTime();
        RunStats current = stats.get();
        current.received();
        String requestId = message.getRequestId();
        switch (message.getBodyCase()) {
            case EVENT -> {
                RoomWatch watch = rooms.get(message.getEvent().getRoomId());
                if (watch != null) {
                    watch.event(participant, message.getEvent(), requestId, now);
                }
            }
            case JOINED -> {
                RoomWatch watch = rooms.get(message.getJoined().getRoomId());
                if (watch != null) {
                    watch.joined(participant, message.getJoined());
                }
            }
            case LEFT -> {
                RoomWatch watch = rooms.get(message.getLeft().getRoomId());
                if (watch != null) {
                    watch.left(participant);
                }
            }
            case ERROR -> {
                current.error(message.getError().getCode());
                RoomWatch watch = rooms.get(message.getError().getRoomId());
                if (watch != null && !requestId.isEmpty()) {
                    watch.requestFailed(requestId);
                }
            }
            default -> {}
        }
        if (!requestId.isEmpty()) {
            CompletableFuture<ServerMessage> future = awaited.remove(requestId);
            if (future != null) {
                future.complete(message);
            }
        }
    }

    public Object participant() {
        return participant;
    }
}
