package roomgate.gateway.feed;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import roomgate.wire.client.Delivery;

/**
 * The feed subscriptions of one event loop's sessions, by topic, and the fan-out of each update to
 * them. One per event loop; everything but {@link #post} runs on that loop, so it needs no locks.
 * An update arrives as one task per loop ({@link TopicFanout}) and is offered to each subscribed
 * session's slot, which writes it or, if that client is not reading, keeps it as the latest.
 */
final class LoopFeeds {
    private final EventLoop loop;
    // Per topic the live slots; removal swaps the last one in (order among sessions is irrelevant).
    private final Map<String, ArrayList<TopicSlot>> byTopic = new HashMap<>();

    LoopFeeds(EventLoop loop) {
        this.loop = loop;
    }

    EventLoop loop() {
        return loop;
    }

    /** From the upstream thread: fan {@code update} out on this loop. Never blocks. */
    void post(Update update) {
        loop.execute(() -> deliver(update));
    }

    void deliver(Update update) {
        ArrayList<TopicSlot> slots = byTopic.get(update.topic());
        if (slots == null) {
            return;
        }
        // One Delivery per loop: its JSON text, if any client here wants JSON, is printed once.
        Delivery delivery = Delivery.ofBytes(update.serverMessage());
        for (int i = 0; i < slots.size(); i++) {
            slots.get(i).offer(update, delivery);
        }
    }

    void add(TopicSlot slot) {
        ArrayList<TopicSlot> slots = byTopic.computeIfAbsent(slot.topic(), t -> new ArrayList<>());
        slot.index = slots.size();
        slots.add(slot);
    }

    void remove(TopicSlot slot) {
        ArrayList<TopicSlot> slots = byTopic.get(slot.topic());
        if (slots == null || slot.index < 0 || slot.index >= slots.size() || slots.get(slot.index) != slot) {
            return;
        }
        TopicSlot last = slots.remove(slots.size() - 1);
        if (last != slot) {
            slots.set(slot.index, last);
            last.index = slot.index;
        }
        slot.index = -1;
        if (slots.isEmpty()) {
            byTopic.remove(slot.topic());
        }
    }

    /** Live slots of {@code topic} on this loop (tests). */
    int subscribers(String topic) {
        ArrayList<TopicSlot> slots = byTopic.get(topic);
        return slots == null ? 0 : slots.size();
    }
}
