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
 *
 * <p>With {@link #batchWrites} (every real connection) writes are flushed once per wake-up of the
 * loop ({@link LoopFlusher}) and messages that go to many clients are written as frames encoded
 * once ({@link #deliverShared}); without (tests on an EmbeddedChannel) each write is flushed at once.
 */
public final class ClientSession {
    private final long id;
    private final Channel channel;
    /** Made at the first room: an idle connection (or a feed-only one) has none to keep. */
    private Set<String> rooms;

    private String participantId;
    private EncodedOutput encoded;
    private LoopFlusher flusher;
    private boolean dirty;

    public ClientSession(long id, String participantId, Channel channel) {
        this.id = id;
        this.participantId = participantId;
        this.channel = channel;
    }

    /** From now on, shared frames go through {@code encoded} and flushes wait for the loop's flusher. */
    public void batchWrites(EncodedOutput encoded, LoopFlusher flusher) {
        this.encoded = encoded;
        this.flusher = flusher;
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
        if (rooms == null) {
            rooms = new LinkedHashSet<>();
        }
        return rooms;
    }

    /** Whether the connection takes more output now (Netty's write-buffer high water mark not reached). */
    public boolean writable() {
        return channel.isWritable();
    }

    public void deliver(Delivery delivery) {
        if (flusher == null) {
            channel.writeAndFlush(delivery, channel.voidPromise());
            return;
        }
        channel.write(delivery, channel.voidPromise());
        markDirty();
    }

    /**
     * A message that goes to many clients: written as the delivery's shared frame in this client's
     * encoding, which the caller keeps alive until the call returns.
     */
    public void deliverShared(Delivery delivery) {
        if (encoded == null) {
            deliver(delivery);
            return;
        }
        encoded.write(delivery.frame(encoded.text()).retainedDuplicate());
        markDirty();
    }

    public void error(String requestId, ErrorCode code, String roomId, String message) {
        deliver(Delivery.of(ServerMessage.newBuilder()
                .setRequestId(requestId)
                .setError(Error.newBuilder().setCode(code).setMessage(message).setRoomId(roomId))
                .build()));
    }

    private void markDirty() {
        if (!dirty) {
            dirty = true;
            flusher.dirty(this);
        }
    }

    void flushNow() {
        dirty = false;
        if (encoded != null) {
            encoded.flush();
        } else {
            channel.flush();
        }
    }

    @Override
    public String toString() {
        return "session-" + id;
    }
}
