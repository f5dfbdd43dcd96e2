package roomgate.gateway.session;

import io.netty.channel.Channel;
import java.util.LinkedHashSet;
import java.util.Set;
import roomgate.protocol.v1.Error;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.ServerMessage;
import roomgate.wire.client.Delivery;

/**
 * One connected WebSocket client: its gateway-wide id, the rooms it is seated in, and the way to
 * write to it. Confined to its channel's event loop; the router of that loop is the only other
 * code that touches it. What it writes counts against the connection's output budget
 * ({@code OutputGuard}, first in the pipeline): a client that does not read is cut off there.
 */
public final class ClientSession {
    private final long id;
    private final Channel channel;
    private final Set<String> rooms = new LinkedHashSet<>();
    private String participantId;

    public ClientSession(long id, String participantId, Channel channel) {
        this.id = id;
        this.participantId = participantId;
        this.channel = channel;
    }

    public long id() {
        return id;
    }

    /** Who this client is in its rooms; kept across reconnects by resuming. */
    public String participantId() {
        return participantId;
    }

    /** Takes the identity of a lost session this client resumes. */
    public void resumeAs(String participantId) {
        this.participantId = participantId;
    }

    /** The rooms this session is seated in, in the order it joined them. */
    public Set<String> rooms() {
        return rooms;
    }

    public void deliver(Delivery delivery) {
        channel.writeAndFlush(delivery, channel.voidPromise());
    }

    public void error(String requestId, ErrorCode code, String roomId, String message) {
        deliver(Delivery.of(ServerMessage.newBuilder()
                .setRequestId(requestId)
                .setError(Error.newBuilder().setCode(code).setMessage(message).setRoomId(roomId))
                .build()));
    }

    @Override
    public String toString() {
        return "session-" + id;
    }
}
