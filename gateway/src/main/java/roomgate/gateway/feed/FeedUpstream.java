package roomgate.gateway.feed;

import java.util.UUID;
import java.util.function.Consumer;

/**
 * Where a gateway gets a feed topic's updates from: in production one Hazelcast reliable topic per
 * feed topic ({@link HazelcastFeedUpstream}), in tests a fake. {@link PubSubManager} calls it only
 * from its lifecycle thread, never from an event loop, because subscribing may block on the
 * cluster. Updates arrive on the upstream's own threads, in publication order per topic, as the
 * bytes of a serialized {@code roomgate.v1.FeedUpdate}.
 */
public interface FeedUpstream {
    /**
     * Starts delivering {@code topic}'s updates to {@code onUpdate}; returns the handle to stop it.
     * {@code onCancelled} runs, on any thread, when the subscription ends — by {@link #unsubscribe}
     * or because the upstream gave up on it (say, the topic was destroyed).
     */
    UUID subscribe(String topic, Consumer<byte[]> onUpdate, Runnable onCancelled);

    /** Stops the deliveries started by {@link #subscribe} with that handle. */
    void unsubscribe(String topic, UUID registration);
}
