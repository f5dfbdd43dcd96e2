package roomgate.gateway.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import roomgate.cluster.FeedTopics;
import roomgate.cluster.HazelcastSettings;
import roomgate.protocol.v1.FeedUpdate;

/** The reliable-topic upstream on a real Hazelcast member: in order, stoppable, and loss-tolerant. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HazelcastFeedUpstreamTest {
    private HazelcastInstance member;
    private HazelcastFeedUpstream upstream;

    @BeforeAll
    void startMember() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String cluster = "feeds-" + UUID.randomUUID();
        member = Hazelcast.newHazelcastInstance(
                new HazelcastSettings(cluster, "127.0.0.1", port, List.of("127.0.0.1:" + port), 5, 1, 1)
                        .toMemberConfig(cluster, false, Map.of()));
        upstream = new HazelcastFeedUpstream(member);
    }

    @AfterAll
    void stopMember() {
        if (member != null) {
            member.getLifecycleService().terminate();
        }
    }

    private ITopic<byte[]> topic(String name) {
        return member.getReliableTopic(FeedTopics.upstreamName(name));
    }

    private static byte[] update(String topic, long sequence) {
        return FeedUpdate.newBuilder()
                .setTopic(topic)
                .setSequence(sequence)
                .setValue(sequence)
                .build()
                .toByteArray();
    }

    private static long sequenceOf(byte[] bytes) {
        try {
            return FeedUpdate.parseFrom(bytes).getSequence();
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void deliversPublishedUpdatesInOrderUntilUnsubscribed() throws Exception {
        List<Long> received = new CopyOnWriteArrayList<>();
        CountDownLatch cancelled = new CountDownLatch(1);
        UUID registration =
                upstream.subscribe("stock.ORD", bytes -> received.add(sequenceOf(bytes)), cancelled::countDown);
        for (long s = 1; s <= 100; s++) {
            topic("stock.ORD").publish(update("stock.ORD", s));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 100);
        assertThat(received).isSorted().doesNotHaveDuplicates().startsWith(1L).endsWith(100L);

        upstream.unsubscribe("stock.ORD", registration);
        assertThat(cancelled.await(5, TimeUnit.SECONDS))
                .as("removal is reported as a cancellation")
                .isTrue();
        topic("stock.ORD").publish(update("stock.ORD", 101));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> received.size() == 100);
    }

    /**
     * A listener that falls more than the ringbuffer's capacity behind skips to what is still
     * stored and goes on to the newest update, instead of failing; the publisher never blocks.
     */
    @Test
    void aListenerThatFallsBehindDropsOldUpdatesAndCatchesUp() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Long> received = new CopyOnWriteArrayList<>();
        upstream.subscribe(
                "stock.LAG",
                bytes -> {
                    received.add(sequenceOf(bytes));
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                () -> {});
        int published = 4 * 256; // four times the ringbuffer's capacity
        long started = System.nanoTime();
        for (long s = 1; s <= published; s++) {
            topic("stock.LAG").publish(update("stock.LAG", s));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("publisher never waited for the reader")
                .isLessThan(Duration.ofSeconds(8));
        assertThat(member.getRingbuffer("_hz_rb_" + FeedTopics.upstreamName("stock.LAG"))
                        .capacity())
                .as("the feed ringbuffer settings apply")
                .isEqualTo(256);
        release.countDown();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !received.isEmpty() && received.get(received.size() - 1) == published);
        assertThat(received).isSorted().doesNotHaveDuplicates();
        assertThat(received.size()).as("old updates were dropped").isLessThan(published);
    }
}
