package roomgate.gateway.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.ServerMessage;

/**
 * Topic lifecycle: a topic is subscribed upstream once, when its first local subscriber arrives,
 * and unsubscribed when its last leaves — also when many loops subscribe and unsubscribe at once.
 */
class PubSubLifecycleTest {
    private final FakeUpstream upstream = new FakeUpstream();
    private final PubSubManager feeds = PubSubManager.instance();

    @AfterEach
    void stop() {
        feeds.stop();
    }

    private static List<String> subscribedTopics(List<ServerMessage> replies, String requestId) {
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0).getRequestId()).isEqualTo(requestId);
        return replies.get(0).getSubscribed().getTopicsList();
    }

    @Test
    void firstSubscriberSubscribesUpstreamOnceAndTheLastToLeaveUnsubscribes() throws Exception {
        feeds.start(upstream, new DirectExecutorService());
        FeedClient a = new FeedClient(feeds);
        FeedClient b = new FeedClient(feeds);
        FeedClient c = new FeedClient(feeds);
        a.subscribe("a1", "stock.AAPL", "stock.MSFT");
        b.subscribe("b1", "stock.AAPL");
        c.subscribe("c1", "stock.AAPL", "stock.AAPL");
        assertThat(subscribedTopics(a.received(), "a1")).containsExactly("stock.AAPL", "stock.MSFT");
        assertThat(subscribedTopics(b.received(), "b1")).containsExactly("stock.AAPL");
        assertThat(subscribedTopics(c.received(), "c1")).containsExactly("stock.AAPL");
        // Subscribing again to a topic one has is a no-op that is still answered.
        a.subscribe("a2", "stock.AAPL");
        assertThat(subscribedTopics(a.received(), "a2")).containsExactly("stock.AAPL");

        assertThat(upstream.subscribes("stock.AAPL")).isEqualTo(1);
        assertThat(upstream.subscribes("stock.MSFT")).isEqualTo(1);
        assertThat(feeds.status().upstreamSubscriptions()).isEqualTo(2);
        assertThat(feeds.status().topics())
                .extracting(FeedStatus.Topic::topic, FeedStatus.Topic::localSubscribers)
                .containsExactly(tuple("stock.AAPL", 3), tuple("stock.MSFT", 1));

        a.unsubscribe("a3", "stock.AAPL", "stock.NOPE");
        ServerMessage reply = a.received().get(0);
        assertThat(reply.getRequestId()).isEqualTo("a3");
        assertThat(reply.getUnsubscribed().getTopicsList()).containsExactly("stock.AAPL", "stock.NOPE");
        b.unsubscribe("b2", "stock.AAPL");
        b.received();
        assertThat(upstream.unsubscribes("stock.AAPL"))
                .as("one local subscriber is left")
                .isZero();

        c.channel.close(); // hanging up ends its subscriptions
        assertThat(upstream.unsubscribes("stock.AAPL")).isEqualTo(1);
        assertThat(upstream.activeTopics()).containsExactly("stock.MSFT");
        assertThat(feeds.status().upstreamSubscriptions()).isEqualTo(1);

        a.unsubscribe("a4", "stock.MSFT");
        assertThat(upstream.activeTopics()).isEmpty();
        assertThat(feeds.status().upstreamSubscriptions()).isZero();
        assertThat(feeds.status().topics()).isEmpty();
        assertThat(upstream.misuse).isEmpty();
    }

    @Test
    void gapsInAPublishersSequenceAreCountedAsMissedPerTopicAndForTheGateway() throws Exception {
        feeds.start(upstream, new DirectExecutorService());
        long missedBefore = feeds.missedUpdates(); // the singleton's counter outlives a stop
        FeedClient a = new FeedClient(feeds);
        a.subscribe("a1", "stock.A", "stock.B");
        upstream.publish("stock.A", 5, 1); // joined mid-stream: 1..4 were never ours to miss
        upstream.publish("stock.A", 6, 1);
        upstream.publish("stock.A", 9, 1); // 7, 8
        upstream.publish("stock.A", 20, 1); // 10..19
        upstream.publish("stock.A", 1, 1); // the publisher restarted: a new stream, not a gap
        upstream.publish("stock.A", 3, 1); // 2
        for (int seq = 1; seq <= 3; seq++) {
            upstream.publish("stock.B", seq, 1);
        }
        assertThat(feeds.status().topics())
                .extracting(FeedStatus.Topic::topic, FeedStatus.Topic::missedUpdates)
                .containsExactly(tuple("stock.A", 13L), tuple("stock.B", 0L));
        assertThat(feeds.missedUpdates() - missedBefore).isEqualTo(13);

        // A topic's count starts again with its next upstream subscription; the gateway's does not.
        a.unsubscribe("a2", "stock.A");
        a.subscribe("a3", "stock.A");
        upstream.publish("stock.A", 50, 1);
        upstream.publish("stock.A", 52, 1);
        assertThat(feeds.status().topics())
                .extracting(FeedStatus.Topic::topic, FeedStatus.Topic::missedUpdates)
                .containsExactly(tuple("stock.A", 1L), tuple("stock.B", 0L));
        assertThat(feeds.missedUpdates() - missedBefore).isEqualTo(14);
    }

    @Test
    void updatesStopAtUnsubscribedAndStartAfterSubscribed() throws Exception {
        feeds.start(upstream, new DirectExecutorService());
        FeedClient a = new FeedClient(feeds);
        FeedClient b = new FeedClient(feeds);
        a.subscribe("a1", "stock.X");
        b.subscribe("b1", "stock.X");
        upstream.publish("stock.X", 1, 10);
        assertThat(a.received())
                .extracting(ServerMessage::getBodyCase)
                .containsExactly(ServerMessage.BodyCase.SUBSCRIBED, ServerMessage.BodyCase.FEED_UPDATE);
        assertThat(b.received())
                .extracting(ServerMessage::getBodyCase)
                .containsExactly(ServerMessage.BodyCase.SUBSCRIBED, ServerMessage.BodyCase.FEED_UPDATE);
        b.unsubscribe("b2", "stock.X");
        upstream.publish("stock.X", 2, 20);
        assertThat(b.received())
                .extracting(ServerMessage::getBodyCase)
                .containsExactly(ServerMessage.BodyCase.UNSUBSCRIBED);
        assertThat(a.received())
                .extracting(m -> m.getFeedUpdate().getSequence())
                .containsExactly(2L);
    }

    @Test
    void badTopicsAreRefusedWithInvalidTopicAndSubscribeNothing() throws Exception {
        feeds.start(upstream, new DirectExecutorService());
        FeedClient a = new FeedClient(feeds);
        for (String bad : new String[] {"", "stock AAPL", "x".repeat(65), "stock/AAPL"}) {
            a.subscribe("bad", "stock.OK", bad);
            List<ServerMessage> replies = a.received();
            assertThat(replies).hasSize(1);
            assertThat(replies.get(0).getRequestId()).isEqualTo("bad");
            assertThat(replies.get(0).getError().getCode())
                    .as("topic '%s'", bad)
                    .isEqualTo(ErrorCode.INVALID_TOPIC);
            assertThat(replies.get(0).getError().getMessage()).startsWith("topic");
        }
        a.subscribe("none");
        assertThat(a.received().get(0).getError().getCode()).isEqualTo(ErrorCode.INVALID_TOPIC);
        assertThat(upstream.subscribeCalls).isEmpty();
        assertThat(a.channel.isOpen()).isTrue();
    }

    @Test
    void aConnectionMayHoldAtMostTheTopicLimit() throws Exception {
        feeds.start(upstream, new DirectExecutorService());
        FeedClient a = new FeedClient(feeds);
        List<String> topics = new ArrayList<>();
        int max = roomgate.gateway.config.GatewayConfig.ClientLimits.defaults().maxTopicsPerConnection();
        for (int i = 0; i <= max; i++) {
            topics.add("t." + i);
        }
        a.subscribe("many", topics.toArray(String[]::new));
        assertThat(a.received().get(0).getError().getCode()).isEqualTo(ErrorCode.TOO_MANY_TOPICS);
        a.subscribe("max", topics.subList(0, max).toArray(String[]::new));
        assertThat(a.received().get(0).getSubscribed().getTopicsCount()).isEqualTo(max);
        a.subscribe("one more", "t.extra");
        assertThat(a.received().get(0).getError().getCode()).isEqualTo(ErrorCode.TOO_MANY_TOPICS);
    }

    @Test
    void aTopicThatCannotBeSubscribedUpstreamIsRefusedAndGivenBack() throws Exception {
        FeedUpstream broken = new FeedUpstream() {
            @Override
            public java.util.UUID subscribe(
                    String topic, java.util.function.Consumer<byte[]> onUpdate, Runnable onCancelled) {
                if (topic.equals("stock.BAD")) {
                    throw new IllegalStateException("cluster is shutting down");
                }
                return upstream.subscribe(topic, onUpdate, onCancelled);
            }

            @Override
            public void unsubscribe(String topic, java.util.UUID registration) {
                upstream.unsubscribe(topic, registration);
            }
        };
        feeds.start(broken, new DirectExecutorService());
        FeedClient a = new FeedClient(feeds);
        a.subscribe("s", "stock.OK", "stock.BAD");
        List<ServerMessage> replies = a.received();
        assertThat(replies).extracting(ServerMessage::getRequestId).containsOnly("s");
        assertThat(replies.get(0).getSubscribed().getTopicsList()).containsExactly("stock.OK");
        assertThat(replies.get(1).getError().getCode()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(replies.get(1).getError().getMessage()).contains("stock.BAD");
        assertThat(feeds.status().topics()).extracting(FeedStatus.Topic::topic).containsExactly("stock.OK");
    }

    @Test
    void anUpstreamSubscriptionCancelledByTheUpstreamIsRenewedWhileSubscribersRemain() throws Exception {
        feeds.start(upstream, new DirectExecutorService());
        FeedClient a = new FeedClient(feeds);
        a.subscribe("s", "stock.X");
        a.received();
        upstream.cancel("stock.X");
        assertThat(upstream.subscribes("stock.X")).isEqualTo(2);
        assertThat(feeds.status().upstreamSubscriptions()).isEqualTo(1);
        upstream.publish("stock.X", 1, 1);
        assertThat(a.received())
                .extracting(m -> m.getFeedUpdate().getSequence())
                .containsExactly(1L);

        // Our own unsubscribe is reported as a cancellation too; that one is not renewed.
        a.unsubscribe("u", "stock.X");
        assertThat(upstream.subscribes("stock.X")).isEqualTo(2);
        assertThat(upstream.activeTopics()).isEmpty();
        assertThat(feeds.status().upstreamSubscriptions()).isZero();
        assertThat(upstream.misuse).isEmpty();
    }

    @Test
    void callsBeforeStartAreRefused() {
        assertThatThrownBy(() -> feeds.subscribe(feeds.loopFeeds(new DefaultEventLoop()), List.of("t"), f -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not started");
    }

    /**
     * Four event loops subscribe and unsubscribe five topics at random, 4 x 3,000 times, on the real
     * lifecycle thread. At no moment are there two upstream subscriptions to a topic, and at the
     * end exactly the topics someone still holds are subscribed, each once.
     */
    @Test
    void concurrentSubscribeAndUnsubscribeEndWithOneUpstreamSubscriptionPerHeldTopic() throws Exception {
        feeds.start(upstream);
        int loopsCount = 4;
        List<String> topics = List.of("t.0", "t.1", "t.2", "t.3", "t.4");
        List<EventLoop> loops = new ArrayList<>();
        List<Set<String>> held = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(loopsCount);
        for (int l = 0; l < loopsCount; l++) {
            EventLoop loop = new DefaultEventLoop();
            loops.add(loop);
            Set<String> mine = new HashSet<>();
            held.add(mine);
            Random random = new Random(l);
            LoopFeeds feedsOfLoop = feeds.loopFeeds(loop);
            loop.execute(() -> {
                for (int i = 0; i < 3_000; i++) {
                    String topic = topics.get(random.nextInt(topics.size()));
                    if (mine.remove(topic)) {
                        feeds.unsubscribe(feedsOfLoop, List.of(topic), () -> {});
                    } else {
                        mine.add(topic);
                        feeds.subscribe(feedsOfLoop, List.of(topic), failed -> {});
                    }
                }
                done.countDown();
            });
        }
        assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        feeds.awaitLifecycle();
        try {
            Map<String, Integer> expected = new HashMap<>();
            // Each loop's set was last written before its countDown(), which await() happens after.
            for (Set<String> mine : held) {
                for (String topic : mine) {
                    expected.merge(topic, 1, Integer::sum);
                }
            }
            assertThat(upstream.misuse).isEmpty();
            assertThat(upstream.activeTopics()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            for (String topic : topics) {
                assertThat(upstream.subscribes(topic) - upstream.unsubscribes(topic))
                        .as("live subscriptions to %s", topic)
                        .isEqualTo(expected.containsKey(topic) ? 1 : 0);
            }
            FeedStatus status = feeds.status();
            assertThat(status.upstreamSubscriptions()).isEqualTo(expected.size());
            for (FeedStatus.Topic topic : status.topics()) {
                assertThat(topic.localSubscribers()).as(topic.topic()).isEqualTo(expected.get(topic.topic()));
            }
        } finally {
            loops.forEach(EventLoop::shutdownGracefully);
        }
    }
}
