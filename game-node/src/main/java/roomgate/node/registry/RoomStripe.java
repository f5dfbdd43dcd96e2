package roomgate.node.registry;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.node.room.RoomException;
import roomgate.node.room.RoomTypes;
import roomgate.node.tick.Ticker;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.Error;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.ServerMessage;

/**
 * One thread and the rooms it owns. A room ID always hashes to the same stripe, so every change to
 * a room happens on that stripe's single thread, in arrival order, and room code needs no locks.
 * The fixed tick of a ticking room runs on the same thread, interleaved with its requests; it runs
 * while anyone is in the room and stops when the room is disposed. Methods named {@code on...} run
 * on the stripe thread.
 */
final class RoomStripe {
    private static final Logger log = LoggerFactory.getLogger(RoomStripe.class);

    private final EventExecutor executor;
    private final String nodeId;
    private final Duration idleRoomTtl;
    private final AtomicInteger roomCount;
    private final Map<String, RoomHost> rooms = new HashMap<>();
    /** The running tickers of ticking rooms that have someone in them. */
    private final Map<String, Ticker> tickers = new HashMap<>();

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
        settle(roomId);
    }

    void onSessionClosed(SessionKey who, String roomId) {
        RoomHost host = rooms.get(roomId);
        if (host != null) {
            host.leave(who, null);
            settle(roomId);
        }
    }

    void onLinkClosed(GatewayLink link) {
        for (Map.Entry<String, RoomHost> e : rooms.entrySet()) {
            e.getValue().linkClosed(link);
        }
        rooms.keySet().forEach(this::settle);
    }

    /** After a room's participants may have changed: tick only while someone is in it; drop it when idle. */
    private void settle(String roomId) {
        RoomHost host = rooms.get(roomId);
        if (host == null) {
            return;
        }
        if (host.tickInterval() != null) {
            Ticker ticker = tickers.get(roomId);
            if (ticker == null && !host.isEmpty()) {
                // An empty arena would wake this thread 30 times a second for nobody until it is dropped.
                ticker = new Ticker(roomId, executor, host.tickInterval(), host.tickStats(), index -> host.tick());
                tickers.put(roomId, ticker);
                ticker.start();
            } else if (ticker != null && host.isEmpty()) {
                tickers.remove(roomId).stop();
            }
        }
        if (host.isEmpty()) {
            scheduleIdleCheck(roomId, host);
        }
    }

    /** Disposes rooms nobody has been in for the idle time; the game is over for them. */
    private void scheduleIdleCheck(String roomId, RoomHost host) {
        executor.schedule(() -> {
            if (rooms.get(roomId) == host && host.isEmpty()) {
                dispose(roomId, host);
            }
        }, idleRoomTtl.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void dispose(String roomId, RoomHost host) {
        rooms.remove(roomId);
        roomCount.decrementAndGet();
        Ticker ticker = tickers.remove(roomId);
        if (ticker != null) {
            ticker.stop();
        }
        if (host.tickStats() != null) {
            log.info("room {} ({}) disposed; its ticks: {}", roomId, host.room().type(), host.tickStats().summary());
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
        tickers.values().forEach(Ticker::stop);
        tickers.clear();
        Iterator<RoomHost> it = rooms.values().iterator();
        while (it.hasNext()) {
            it.next();
            it.remove();
            roomCount.decrementAndGet();
        }
    }

    /** The running ticker of a room, or null; for tests. */
    Ticker tickerOf(String roomId) {
        assert executor.inEventLoop();
        return tickers.get(roomId);
    }
}
