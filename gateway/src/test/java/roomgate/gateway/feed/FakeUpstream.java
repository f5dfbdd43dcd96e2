package roomgate.gateway.feed;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import roomgate.protocol.v1.FeedUpdate;

/**
 * An upstream in memory: counts subscribe/unsubscribe calls, notes misuse, publishes on the
 * caller's thread, and reports cancellations synchronously, as Hazelcast does on removal.
 */
final class FakeUpstream implements FeedUpstream {
    private record Registration(UUID id, Consumer<byte[]> consumer, Runnable onCancelled) {}

    final Map<String, AtomicInteger> subscribeCalls = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> unsubscribeCalls = new ConcurrentHashMap<>();
    /** Anything the manager should never do: a second live subscription to a topic, a stale handle. */
    final List<String> misuse = new CopyOnWriteArrayList<>();

    private final Map<String, Registration> active = new ConcurrentHashMap<>();

    @Override
    public UUID subscribe(String topic, Consumer<byte[]> onUpdate, Runnable onCancelled) {
        subscribeCalls.computeIfAbsent(topic, t -> new AtomicInteger()).incrementAndGet();
        Registration registration = new Registration(UUID.randomUUID(), onUpdate, onCancelled);
        if (active.putIfAbsent(topic, registration) != null) {
            misuse.add("second upstream subscription to " + topic);
        }
        return registration.id();
    }

    @Override
    public void unsubscribe(String topic, UUID id) {
        unsubscribeCalls.computeIfAbsent(topic, t -> new AtomicInteger()).incrementAndGet();
        Registration registration = active.get(topic);
        if (registration == null || !registration.id().equals(id)) {
            misuse.add("unsubscribe from " + topic + " with a handle that is not live");
            return;
        }
        active.remove(topic);
        registration.onCancelled().run();
    }

    /** The upstream ends a subscription by itself (a destroyed topic, say). */
    void cancel(String topic) {
        Registration registration = active.remove(topic);
        if (registration != null) {
            registration.onCancelled().run();
        }
    }

    int subscribes(String topic) {
        AtomicInteger n = subscribeCalls.get(topic);
        return n == null ? 0 : n.get();
    }

    int unsubscribes(String topic) {
        AtomicInteger n = unsubscribeCalls.get(topic);
        return n == null ? 0 : n.get();
    }

    java.util.Set<String> activeTopics() {
        return active.keySet();
    }

    void publish(String topic, long sequence, double value) {
        Registration registration = active.get(topic);
        if (registration != null) {
            registration
                    .consumer()
                    .accept(FeedUpdate.newBuilder()
                            .setTopic(topic)
                            .setSequence(sequence)
                            .setValue(value)
                            .setPublisherTimeMs(System.currentTimeMillis())
                            .build()
                            .toByteArray());
        }
    }
}
