package roomgate.gateway.feed;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.Message;
import com.hazelcast.topic.ReliableMessageListener;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.cluster.FeedTopics;

/**
 * Feed topics from the cluster: one Hazelcast reliable topic per feed topic
 * ({@link FeedTopics#upstreamName}), read by a loss-tolerant listener. A gateway that falls more
 * than the ringbuffer's capacity behind skips to the oldest price still stored instead of failing:
 * for prices, late is worse than missing.
 */
public final class HazelcastFeedUpstream implements FeedUpstream {
    private static final Logger log = LoggerFactory.getLogger(HazelcastFeedUpstream.class);

    private final HazelcastInstance hazelcast;

    public HazelcastFeedUpstream(HazelcastInstance hazelcast) {
        this.hazelcast = Objects.requireNonNull(hazelcast, "hazelcast");
    }

    @Override
    public UUID subscribe(String topic, Consumer<byte[]> onUpdate, Runnable onCancelled) {
        return hazelcast
                .<byte[]>getReliableTopic(FeedTopics.upstreamName(topic))
                .addMessageListener(new LossTolerantListener(topic, onUpdate, onCancelled));
    }

    @Override
    public void unsubscribe(String topic, UUID registration) {
        hazelcast.<byte[]>getReliableTopic(FeedTopics.upstreamName(topic)).removeMessageListener(registration);
    }

    /** Starts at the next published update, keeps no position, survives loss and its consumer's errors. */
    static final class LossTolerantListener implements ReliableMessageListener<byte[]> {
        private final String topic;
        private final Consumer<byte[]> onUpdate;
        private final Runnable onCancelled;

        LossTolerantListener(String topic, Consumer<byte[]> onUpdate, Runnable onCancelled) {
            this.topic = topic;
            this.onUpdate = onUpdate;
            this.onCancelled = onCancelled;
        }

        @Override
        public void onMessage(Message<byte[]> message) {
            onUpdate.accept(message.getMessageObject());
        }

        /** -1: from the next update on. A subscriber wants current prices, not history. */
        @Override
        public long retrieveInitialSequence() {
            return -1;
        }

        @Override
        public void storeSequence(long sequence) {
            // Nothing to remember: after a restart we start from the current price again.
        }

        @Override
        public boolean isLossTolerant() {
            return true;
        }

        /** Removed by us, or ended by Hazelcast (topic destroyed, member shutting down). */
        @Override
        public void onCancel() {
            onCancelled.run();
        }

        /** A bad update must not end the topic for every subscriber of this gateway. */
        @Override
        public boolean isTerminal(Throwable failure) {
            log.warn("feed {}: an update failed in fan-out; going on with the next", topic, failure);
            return false;
        }
    }
}
