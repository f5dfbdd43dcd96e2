package roomgate.gateway.feed;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
    // Slots with a paced update waiting for its time, and the timer that sends them.
    private ArrayList<TopicSlot> waiting = new ArrayList<>();
    private ArrayList<TopicSlot> spare = new ArrayList<>();
    private final Runnable sendDue = this::sendDue;
    private ScheduledFuture<?> timer;
    private long timerDueNanos;

    LoopFeeds(EventLoop loop) {
        this.loop = loop;
    }

    EventLoop loop() {
        return loop;
    }

    /**
     * From the upstream thread: fan {@code update} out on this loop. Never blocks. The loop takes
     * over one reference to the update's frames, which the caller took for it.
     */
    void post(Update update) {
        loop.execute(() -> deliver(update));
    }

    /** Offers {@code update} to this loop's subscribers of its topic; gives back its reference to the frames. */
    void deliver(Update update) {
        ArrayList<TopicSlot> slots = byTopic.get(update.topic());
        if (slots == null) {
            update.frames().release();
            return;
        }
        long now = System.nanoTime();
        // One Delivery per loop over the gateway's shared frames, written by every subscriber here;
        // a slot that keeps it holds it. A JSON text frame the gateway did not make is printed here
        // once, and the topic asked to make it from now on.
        Delivery delivery = update.frames().delivery();
        try {
            for (int i = 0; i < slots.size(); i++) {
                slots.get(i).offer(update, delivery, now);
            }
        } finally {
            if (!update.frames().hasText() && delivery.hasFrame(true)) {
                update.textWanted().run();
            }
            delivery.releaseFrames();
        }
    }

    /**
     * Sends {@code slot}'s pending update when {@code dueNanos} comes. One timer per loop, set for
     * the earliest slot waiting; it wakes the loop only while some subscriber's updates are paced.
     */
    void awaitTime(TopicSlot slot, long dueNanos) {
        waiting.add(slot);
        if (timer == null || dueNanos - timerDueNanos < 0) {
            if (timer != null) {
                timer.cancel(false);
            }
            timerDueNanos = dueNanos;
            timer = loop.schedule(sendDue, Math.max(0, dueNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    private void sendDue() {
        timer = null;
        long now = System.nanoTime();
        // Slots whose time has not come queue themselves again, into this same list: take it first.
        ArrayList<TopicSlot> due = waiting;
        waiting = spare;
        spare = due;
        for (int i = 0; i < due.size(); i++) {
            due.get(i).sendPending(now);
        }
        due.clear();
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
