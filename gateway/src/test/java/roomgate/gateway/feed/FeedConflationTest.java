package roomgate.gateway.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.google.protobuf.ByteString;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import roomgate.protocol.v1.FeedUpdate;
import roomgate.protocol.v1.ServerMessage;
import roomgate.wire.client.SharedFrames;

/**
 * Slow subscribers on EmbeddedChannel: while a channel is not writable its updates are conflated
 * to the newest per topic, sent in order once it is writable again; nothing stale, no backlog, and
 * nobody else slowed down.
 */
class FeedConflationTest {
    private final FakeUpstream upstream = new FakeUpstream();
    private final PubSubManager feeds = PubSubManager.instance();

    @BeforeEach
    void start() {
        feeds.start(upstream, new DirectExecutorService());
    }

    @AfterEach
    void stop() {
        feeds.stop();
    }

    private FeedClient subscribed(String... topics) throws Exception {
        FeedClient client = new FeedClient(feeds);
        client.subscribe("s", topics);
        assertThat(client.received()).extracting(ServerMessage::hasSubscribed).containsExactly(true);
        return client;
    }

    private static List<FeedUpdate> updates(List<ServerMessage> messages) {
        assertThat(messages).allMatch(ServerMessage::hasFeedUpdate, "only feed updates");
        return messages.stream().map(ServerMessage::getFeedUpdate).toList();
    }

    @Test
    void stalledClientGetsOnlyTheNewestUpdatePerTopicInOrderOnceWritable() throws Exception {
        FeedClient slow = subscribed("stock.A", "stock.B", "stock.C");
        slow.stall(true);
        for (int seq = 1; seq <= 5; seq++) {
            upstream.publish("stock.A", seq, 100 + seq);
            if (seq <= 3) {
                upstream.publish("stock.B", seq, 200 + seq);
            }
        }
        upstream.publish("stock.A", 6, 106);
        assertThat(slow.received()).as("nothing written while not writable").isEmpty();

        slow.stall(false);
        assertThat(updates(slow.received()))
                .extracting(FeedUpdate::getTopic, FeedUpdate::getSequence, FeedUpdate::getValue)
                .as("newest per topic, topics in the order they fell behind, C had nothing")
                .containsExactly(tuple("stock.A", 6L, 106.0), tuple("stock.B", 3L, 203.0));

        // Caught up: the next update goes straight out, and nothing older follows it.
        upstream.publish("stock.A", 7, 107);
        assertThat(updates(slow.received())).extracting(FeedUpdate::getSequence).containsExactly(7L);
        slow.stall(true);
        slow.stall(false);
        assertThat(slow.received()).as("no pending update left to repeat").isEmpty();
    }

    @Test
    void pendingUpdatesNeverExceedOnePerTopicHoweverManyArrive() throws Exception {
        // A feed session of its own, to look at its pending slots.
        FeedClient slow = new FeedClient(feeds);
        FeedSession session =
                feeds.openSession(new roomgate.gateway.session.ClientSession(99, "p99", slow.channel), slow.channel);
        session.subscribe("x", List.of("stock.A", "stock.B"));
        slow.received();
        slow.stall(true);
        for (int seq = 1; seq <= 10_000; seq++) {
            upstream.publish(seq % 2 == 0 ? "stock.A" : "stock.B", seq, seq);
            if (seq % 1000 == 0) {
                slow.channel.runPendingTasks();
                assertThat(session.pendingUpdates()).isLessThanOrEqualTo(2);
            }
        }
        slow.channel.runPendingTasks();
        assertThat(session.pendingUpdates()).isEqualTo(2);
        assertThat(slow.channel.outboundMessages()).isEmpty();
        session.close();
    }

    @Test
    void fastSubscribersAndOtherTopicsAreNotHeldBackByASlowOne() throws Exception {
        FeedClient slow = subscribed("stock.A");
        FeedClient fast = subscribed("stock.A", "stock.B");
        slow.stall(true);
        for (int seq = 1; seq <= 5; seq++) {
            upstream.publish("stock.A", seq, seq);
            upstream.publish("stock.B", seq, seq);
        }
        assertThat(updates(fast.received()))
                .extracting(FeedUpdate::getTopic, FeedUpdate::getSequence)
                .containsExactly(
                        tuple("stock.A", 1L),
                        tuple("stock.B", 1L),
                        tuple("stock.A", 2L),
                        tuple("stock.B", 2L),
                        tuple("stock.A", 3L),
                        tuple("stock.B", 3L),
                        tuple("stock.A", 4L),
                        tuple("stock.B", 4L),
                        tuple("stock.A", 5L),
                        tuple("stock.B", 5L));
        assertThat(slow.received()).isEmpty();
        slow.stall(false);
        assertThat(updates(slow.received())).extracting(FeedUpdate::getSequence).containsExactly(5L);
    }

    @Test
    void anUpdateOlderThanOneAlreadySentOrPendingIsDropped() throws Exception {
        FeedClient client = subscribed("stock.A");
        LoopFeeds loop = feeds.loopFeeds(client.channel.eventLoop());
        loop.deliver(update("stock.A", 0, 5));
        loop.deliver(update("stock.A", 0, 3));
        loop.deliver(update("stock.A", 0, 5));
        assertThat(updates(client.received()))
                .extracting(FeedUpdate::getSequence)
                .containsExactly(5L);

        client.stall(true);
        loop.deliver(update("stock.A", 0, 9));
        loop.deliver(update("stock.A", 0, 7));
        client.stall(false);
        assertThat(updates(client.received()))
                .extracting(FeedUpdate::getSequence)
                .containsExactly(9L);
    }

    @Test
    void aRestartedPublisherCountingFromOneAgainIsDeliveredNotTakenForStale() throws Exception {
        FeedClient client = subscribed("stock.A");
        upstream.publish("stock.A", 41, 1);
        upstream.publish("stock.A", 42, 2);
        upstream.publish("stock.A", 1, 3);
        upstream.publish("stock.A", 2, 4);
        assertThat(updates(client.received()))
                .extracting(FeedUpdate::getSequence)
                .containsExactly(41L, 42L, 1L, 2L);
    }

    private static Update update(String topic, long incarnation, long sequence) {
        ByteString bytes = ServerMessage.newBuilder()
                .setFeedUpdate(FeedUpdate.newBuilder().setTopic(topic).setSequence(sequence))
                .build()
                .toByteString();
        return new Update(topic, incarnation, sequence, SharedFrames.of(bytes, false), () -> {});
    }
}
