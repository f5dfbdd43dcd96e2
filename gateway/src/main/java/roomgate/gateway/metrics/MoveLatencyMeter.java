package roomgate.gateway.metrics;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ServerMessage;
import roomgate.runtime.metrics.ExecutorDelayProbe;
import roomgate.wire.client.Delivery;

/**
 * How long a chess move takes from the gateway's reading it to its writing the answer (the move's
 * event, stored in the cluster, or its refusal): the move latency a player sees, less the network.
 * One per connection, made by its {@link ClientMessageMeter} at the first timed move and fed what
 * that handler sees; confined to the connection's loop. Only moves with a request_id are timed
 * (only those can be matched to an answer), at most {@link #MAX_PENDING} at a time per connection;
 * while none is pending, outgoing messages are not looked at.
 */
public final class MoveLatencyMeter {
    static final int MAX_PENDING = 64;
    private static final int REQUEST_ID_TAG =
            ServerMessage.REQUEST_ID_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    /** The two timers every connection records into. */
    public record Timers(Timer accepted, Timer refused) {
        public static Timers of(MeterRegistry registry) {
            String name = "roomgate.gateway.move.latency";
            String what = "a chess move from the gateway reading it to its writing the answer";
            return new Timers(
                    ExecutorDelayProbe.timer(registry, name, "result", "accepted", what),
                    ExecutorDelayProbe.timer(registry, name, "result", "refused", what));
        }
    }

    private final Timers timers;
    private final LongSupplier nanoClock;
    private final Map<String, Long> pending = new HashMap<>();

    MoveLatencyMeter(Timers timers, LongSupplier nanoClock) {
        this.timers = timers;
        this.nanoClock = nanoClock;
    }

    /** Whether {@code message} is a move that can be timed: one with a request_id. */
    static boolean timed(ClientMessage message) {
        return message.getBodyCase() == ClientMessage.BodyCase.MOVE
                && !message.getRequestId().isEmpty();
    }

    /** A {@link #timed} move was read. */
    void read(ClientMessage move) {
        if (pending.size() < MAX_PENDING) {
            pending.putIfAbsent(move.getRequestId(), nanoClock.getAsLong());
        }
    }

    /** {@code delivery} is being written to the client; {@code error}: it is an error. */
    void written(Delivery delivery, boolean error) {
        if (pending.isEmpty()) {
            return;
        }
        String requestId = requestIdOf(delivery.bytes());
        Long start = requestId == null ? null : pending.remove(requestId);
        if (start != null) {
            Timer timer = error ? timers.refused() : timers.accepted();
            timer.record(Math.max(0, nanoClock.getAsLong() - start), TimeUnit.NANOSECONDS);
        }
    }

    /** The request_id of a serialized ServerMessage (the last one, as when parsing), or null; skips the rest. */
    static String requestIdOf(ByteBuf serverMessage) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(serverMessage.nioBuffer());
            String requestId = null;
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == REQUEST_ID_TAG) {
                    requestId = in.readStringRequireUtf8();
                } else if (!in.skipField(tag)) {
                    break;
                }
            }
            return requestId;
        } catch (IOException e) {
            return null;
        }
    }
}
