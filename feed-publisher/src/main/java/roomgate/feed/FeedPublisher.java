package roomgate.feed;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import roomgate.protocol.v1.FeedUpdate;

/**
 * Numbers and stamps each topic's updates and hands their bytes to the cluster: per topic the
 * sequence starts at 1 and goes up by one, and {@code publisher_time_ms} is the wall-clock time of
 * publishing, which subscribers use to measure delivery latency. Called from one thread.
 */
final class FeedPublisher {
    /** Where the bytes of a serialized {@link FeedUpdate} go: the topic's reliable topic. */
    interface Sink {
        void publish(String topic, byte[] feedUpdate);
    }

    private final Sink sink;
    private final LongSupplier clock;
    private final Map<String, Long> sequences = new HashMap<>();
    private long published;

    FeedPublisher(Sink sink, LongSupplier clock) {
        this.sink = sink;
        this.clock = clock;
    }

    void publish(String topic, double value) {
        long sequence = sequences.merge(topic, 1L, Long::sum);
        sink.publish(
                topic,
                FeedUpdate.newBuilder()
                        .setTopic(topic)
                        .setValue(value)
                        .setPublisherTimeMs(clock.getAsLong())
                        .setSequence(sequence)
                        .build()
                        .toByteArray());
        published++;
    }

    long published() {
        return published;
    }

    long sequenceOf(String topic) {
        return sequences.getOrDefault(topic, 0L);
    }
}
