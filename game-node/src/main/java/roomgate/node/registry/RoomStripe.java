package roomgate.node.registry;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import roomgate.node.room.RoomException;
import roomgate.node.room.RoomTypes;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.Error;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.ServerMessage;

/**
 * One thread and the rooms it owns. A room ID always hashes to the same stripe, so every change to
 * a room happens on that stripe's single thread, in arrival order, and room code needs no locks.
 * Methods named {@code on...} run on the stripe thread.
 */
final class RoomStripe {
    private final EventExecutor executor;
    private final String nodeId;
    private final Duration idleRoomTtl;
    private final AtomicInteger roomCount;
    private final Map<String, RoomHost> rooms = new HashMap<>();

    RoomStripe(EventExecutor executor, String nodeId, Duration idleRoomTtl, AtomicInteger roomCount) {
        this.executor = executor;
        this.nodeId = nodeId;
        this.idleRoomTtl = idleRoomTtl;
        this.roomCount = roomCount;
    }

    EventExecutor executor() {
        return executor;
    }

    void onRequest(SessionKey who, String roomId, ClientMessage message) {
        assert executor.inEventLoop();
        String requestId = message.getRequestId();
        try {
            switch (message.getBodyCase()) {
                case JOIN -> {
                    RoomHost host = rooms.get(roomId);
                    if (host == null) {
                        host = new RoomHost(roomId, nodeId, RoomTypes.create(message.getJoin().getGameType()));
                        rooms.put(roomId, host);
                        roomCount.incrementAndGet();
                    }
                    host.join(who, requestId, message.getJoin());
                }
                case LEAVE -> existing(roomId).leave(who, requestId);
                case CHAT -> existing(roomId).chat(who, requestId, message.getChat().getText());
                default -> existing(roomId).game(who, requestId, message);
            }
        } catch (RoomException e) {
            who.link().reply(who.sessionId(), ServerMessage.newBuilder()
                    .setRequestId(requestId)
                    .setError(Error.newBuilder().setCode(e.code()).setMessage(e.getMessage()).setRoomId(roomId))
                    .build(), "", "");
        }
        scheduleIdleCheck(roomId);
    }

    void onSessionClosed(SessionKey who, String roomId) {
        RoomHost host = rooms.get(roomId);
        if (host != null) {
            host.leave(who, null);
            scheduleIdleCheck(roomId);
        }
    }

    void onLinkClosed(GatewayLink link) {
        for (Map.Entry<String, RoomHost> e : rooms.entrySet()) {
            e.getValue().linkClosed(link);
            scheduleIdleCheck(e.getKey());
        }
    }

    /** Disposes rooms nobody has been in for the idle time; the game is over for them. */
    private void scheduleIdleCheck(String roomId) {
        RoomHost host = rooms.get(roomId);
        if (host != null && host.isEmpty()) {
            executor.schedule(() -> {
                if (rooms.get(roomId) == host && host.isEmpty()) {
                    rooms.remove(roomId);
                    roomCount.decrementAndGet();
                }
            }, idleRoomTtl.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private RoomHost existing(String roomId) {
        RoomHost host = rooms.get(roomId);
        if (host == null) {
            throw new RoomException(ErrorCode.NOT_IN_ROOM, "not in room '" + roomId + "' (join it first)");
        }
        return host;
    }

    void onClear() {
        Iterator<RoomHost> it = rooms.values().iterator();
        while (it.hasNext()) {
            it.next();
            it.remove();
            roomCount.decrementAndGet();
        }
    }
}
