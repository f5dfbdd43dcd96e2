package roomgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import roomgate.gateway.routing.RouterHarness.Client;
import roomgate.gateway.session.CountingSocket;
import roomgate.gateway.session.EventLoopThreads;
import roomgate.gateway.session.LoopFlusher;

/**
 * What a room event costs in allocations as it reaches a room's sessions (shared frames, as real
 * connections are written): the same for 2 sessions as for 200, so nothing is allocated per
 * delivery; what is allocated per event (the link frame's decoding, one Delivery) does not grow
 * with the room.
 */
class FanOutAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int EVENTS = 1_000;

    private final RouterHarness h = new RouterHarness("n1", "n2");
    /** The loop every session's flushes go through, as on a real event loop. */
    private final EmbeddedChannel loop = new EmbeddedChannel();

    private final ResourceLeakDetector.Level leakDetection = ResourceLeakDetector.getLevel();
    private final CountingSocket socket = new CountingSocket();

    @AfterEach
    void restore() {
        ResourceLeakDetector.setLevel(leakDetection);
    }

    /** A room on n1 with {@code sessions} sessions, their ids from {@code firstId}; the event's link frame. */
    private ByteBuf room(String roomId, long firstId, int sessions) {
        for (long id = firstId; id < firstId + sessions; id++) {
            Client client = h.client(id);
            h.seat(client, roomId, "n1", 1);
            client.session.batchWrites(socket, LoopFlusher.of(loop.eventLoop()));
        }
        byte[] frame = RouterHarness.broadcast(roomId, 2, 0, "").toByteArray();
        return Unpooled.directBuffer().writeInt(frame.length).writeBytes(frame);
    }

    /** Bytes this thread allocates per event, {@link #EVENTS} events of {@code wire} from n1. */
    private double bytesPerEvent(ByteBuf wire) {
        EmbeddedChannel link = h.node("n1").channel;
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < EVENTS; i++) {
            link.writeInbound(wire.retainedDuplicate());
            loop.runPendingTasks(); // the loop's one flush task per wake-up
        }
        return (double) (THREADS.getCurrentThreadAllocatedBytes() - before) / EVENTS;
    }

    @Test
    void aRoomEventAllocatesNothingPerSessionItReaches() throws Exception {
        EventLoopThreads.run(this::measure);
    }

    private void measure() {
        // Netty's leak detector wraps one frame in 128 (and each write of it) to track it: its own
        // cost, not the fan-out's, and random; off here so that the figures are the code's.
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        String small = h.roomOn("n1");
        String large = small;
        for (int i = 0; large.equals(small) || !h.view().ownerOf(large).nodeId().equals("n1"); i++) {
            large = "large-" + i;
        }
        ByteBuf toSmall = room(small, 1, 2);
        ByteBuf toLarge = room(large, 1_000, 200);
        h.node("n1").sent(); // the joins

        double perSmallEvent = 0;
        double perLargeEvent = 0;
        for (int round = 0; round < 3; round++) { // the first warms up: class loading, compilation
            socket.takeWritten();
            perSmallEvent = bytesPerEvent(toSmall);
            perLargeEvent = bytesPerEvent(toLarge);
            assertThat(socket.takeWritten()).as("every session got every event").isEqualTo((long) EVENTS * (2 + 200));
        }
        System.out.printf(
                "FANOUT-ALLOC bytes per event: 2 sessions %.1f, 200 sessions %.1f (%.3f per extra delivery)%n",
                perSmallEvent, perLargeEvent, (perLargeEvent - perSmallEvent) / 198);
        assertThat((perLargeEvent - perSmallEvent) / 198)
                .as("bytes allocated per delivery (any object is 16 or more)")
                .isLessThan(1.0);
        toSmall.release();
        toLarge.release();
    }
}
