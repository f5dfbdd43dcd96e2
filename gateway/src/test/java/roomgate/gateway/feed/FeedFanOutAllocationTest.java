package roomgate.gateway.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import roomgate.gateway.session.ClientSession;
import roomgate.gateway.session.CountingSocket;
import roomgate.gateway.session.EventLoopThreads;
import roomgate.gateway.session.LoopFlusher;

/**
 * What a feed update costs in allocations on an event loop as it reaches the topic's subscribers
 * there (shared frames, as real connections are written): the same for 2 subscribers as for 400,
 * so nothing is allocated per delivery.
 */
class FeedFanOutAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /**
     * Updates per topic per round, three rounds: 900 in all, under the 1,000 a subscription at
     * {@link FeedSession#MAX_RATE} may take back to back (its burst), so none waits in a slot.
     */
    private static final int UPDATES = 300;

    private final FakeUpstream upstream = new FakeUpstream();
    private final PubSubManager feeds = PubSubManager.instance();
    /** One event loop for every subscriber, as on a gateway's loop. */
    private final EmbeddedChannel loop = new EmbeddedChannel();

    private final ResourceLeakDetector.Level leakDetection = ResourceLeakDetector.getLevel();
    private final CountingSocket socket = new CountingSocket();

    @BeforeEach
    void start() {
        feeds.start(upstream, new DirectExecutorService());
    }

    @AfterEach
    void stop() {
        feeds.stop();
        ResourceLeakDetector.setLevel(leakDetection);
    }

    private void subscribe(String topic, long firstId, int sessions) {
        for (long id = firstId; id < firstId + sessions; id++) {
            ClientSession session = new ClientSession(id, "p" + id, loop);
            session.batchWrites(socket, LoopFlusher.of(loop.eventLoop()));
            feeds.openSession(session, loop).subscribe("s", List.of(topic), FeedSession.MAX_RATE);
        }
        loop.runPendingTasks();
        loop.outboundMessages().forEach(io.netty.util.ReferenceCountUtil::release);
        loop.outboundMessages().clear(); // the Subscribed replies
    }

    private long sequence;

    private double bytesPerUpdate(String topic) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < UPDATES; i++) {
            upstream.publish(topic, ++sequence, i);
            loop.runPendingTasks();
        }
        return (double) (THREADS.getCurrentThreadAllocatedBytes() - before) / UPDATES;
    }

    @Test
    void aFeedUpdateAllocatesNothingPerSubscriberItReaches() throws Exception {
        EventLoopThreads.run(this::measure);
    }

    private void measure() {
        // Netty's leak detector wraps one frame in 128 (and each write of it): its cost, and random.
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        subscribe("stock.S", 1, 2);
        subscribe("stock.L", 1_000, 400);

        double perSmall = 0;
        double perLarge = 0;
        for (int round = 0; round < 3; round++) { // the first warms up: class loading, compilation
            socket.takeWritten();
            perSmall = bytesPerUpdate("stock.S");
            perLarge = bytesPerUpdate("stock.L");
            assertThat(socket.takeWritten())
                    .as("every subscriber got every update: none waited in a slot")
                    .isEqualTo((long) UPDATES * (2 + 400));
        }
        System.out.printf(
                "FEED-FANOUT-ALLOC bytes per update: 2 subscribers %.1f, 400 subscribers %.1f (%.3f per extra"
                        + " delivery)%n",
                perSmall, perLarge, (perLarge - perSmall) / 398);
        assertThat((perLarge - perSmall) / 398)
                .as("bytes allocated per delivery (any object is 16 or more)")
                .isLessThan(1.0);
    }
}
