package roomgate.gateway.feed;

import roomgate.wire.client.Delivery;

/**
 * One session's subscription to one topic, and its conflation slot: while the client's channel is
 * not writable, the slot keeps only the newest undelivered update and replaces it as newer ones
 * come, so a slow reader costs at most one pending update per topic. It never lets an update go
 * out after a newer one of its topic. Confined to the session's event loop.
 */
final class TopicSlot {
    private final FeedSession owner;
    private final String topic;
    /** Position in {@link LoopFeeds}' list for this topic, -1 when not live there. */
    int index = -1;

    private long sentIncarnation = -1;
    private long sentSequence;
    private Update pending;
    private Delivery pendingDelivery;

    TopicSlot(FeedSession owner, String topic) {
        this.owner = owner;
        this.topic = topic;
    }

    String topic() {
        return topic;
    }

    boolean hasPending() {
        return pending != null;
    }

    void offer(Update update, Delivery delivery) {
        boolean newer = pending != null
                ? update.isAfter(pending.incarnation(), pending.sequence())
                : update.isAfter(sentIncarnation, sentSequence);
        if (!newer) {
            return;
        }
        if (pending == null && owner.writable()) {
            send(update, delivery);
            return;
        }
        if (pending == null) {
            owner.queuePending(this);
        }
        pending = update;
        pendingDelivery = delivery;
    }

    /** Sends the pending update, if any; called when the channel is writable again. */
    void flushPending() {
        if (pending != null) {
            Update update = pending;
            Delivery delivery = pendingDelivery;
            dropPending();
            send(update, delivery);
        }
    }

    void dropPending() {
        pending = null;
        pendingDelivery = null;
    }

    private void send(Update update, Delivery delivery) {
        sentIncarnation = update.incarnation();
        sentSequence = update.sequence();
        owner.write(delivery);
    }
}
