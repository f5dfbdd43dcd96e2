package roomgate.node.registry;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.util.concurrent.EventExecutor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import roomgate.protocol.link.v1.RejoinResult;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.ServerMessage;

/**
 * A gateway link for registry tests: records what a stripe sends it, in order. Written on the
 * stripe thread, read by the test; notes anything sent from another thread.
 */
final class RecordingLink implements GatewayLink {
    record Redirect(String ownerNodeId, SessionRequest request) {}

    private final EventExecutor stripeThread;
    private final List<ServerMessage> replies = new CopyOnWriteArrayList<>();
    private final List<RoomEvent> events = new CopyOnWriteArrayList<>();
    private final List<Redirect> redirects = new CopyOnWriteArrayList<>();
    private final List<String> lostRooms = new CopyOnWriteArrayList<>();
    private final List<String> handoffs = new CopyOnWriteArrayList<>();
    private volatile boolean offThread;

    RecordingLink(EventExecutor stripeThread) {
        this.stripeThread = stripeThread;
    }

    List<ServerMessage> replies() {
        return List.copyOf(replies);
    }

    List<RoomEvent> events() {
        return List.copyOf(events);
    }

    List<RoomEvent> ticks() {
        return events.stream().filter(RoomEvent::hasArenaTick).toList();
    }

    List<Redirect> redirects() {
        return List.copyOf(redirects);
    }

    List<String> lostRooms() {
        return List.copyOf(lostRooms);
    }

    /** "start ROOM" and "done ROOM NODE", in the order sent. */
    List<String> handoffs() {
        return List.copyOf(handoffs);
    }

    boolean anythingSentOffTheStripeThread() {
        return offThread;
    }

    @Override
    public void reply(long sessionId, ServerMessage message, String joinedRoomId, String leftRoomId, long sequence) {
        sent();
        replies.add(message);
    }

    @Override
    public void broadcast(
            String roomId, ByteString serverMessage, long sequence, long originSessionId, String originRequestId) {
        sent();
        try {
            events.add(ServerMessage.parseFrom(serverMessage).getEvent());
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void redirect(String roomId, String ownerNodeId, SessionRequest request) {
        sent();
        redirects.add(new Redirect(ownerNodeId, request));
    }

    @Override
    public void rejoinResult(RejoinResult result) {
        sent();
    }

    @Override
    public void handoffStart(String roomId) {
        sent();
        handoffs.add("start " + roomId);
    }

    @Override
    public void handoffDone(String roomId, String newOwnerNodeId) {
        sent();
        handoffs.add("done " + roomId + " " + newOwnerNodeId);
    }

    @Override
    public void roomLost(String roomId) {
        sent();
        lostRooms.add(roomId);
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    private void sent() {
        if (!stripeThread.inEventLoop()) {
            offThread = true;
        }
    }
}
