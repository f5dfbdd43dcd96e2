package roomgate.gateway.feed;

import roomgate.wire.client.Delivery;

/**
 * One session's subscription to one topic, and its conflation slot. Sends are paced: one per
 * {@code intervalNanos} (the subscription's {@code max_rate}) on average, and at most
 * {@link #BURST_NANOS} worth of them back to back (GCRA: an upstream that hands over a batch after a
 * pause must not cost a reader who keeps up a gap). An update that may not go out now — over the
 * pace, or the
 * channel is not writable — waits in the slot, and a newer one
 * replaces it, so a slot holds at most one update: its topic's newest. It goes out when its time
 * comes ({@link LoopFeeds}' pacing timer) or the channel is writable again, whichever is later. It
 * never lets an update go out after a newer one of its topic. Confined to the session's event loop.
 */
final class TopicSlot {
    /** How far ahead of its pace a topic may get: a burst of 1 + 100 ms worth of updates. */
    static final long BURST_NANOS = 100_000_000L;

    private final FeedSession owner;
    private final String topic;
    /** Position in {@link LoopFeeds}' list for this topic, -1 when not live there. */
    int index = -1;

    private long intervalNanos;
    /** GCRA's theoretical arrival time: the pace allows a send at {@code tat - BURST_NANOS}. */
    private long tatNanos = Long.MIN_VALUE / 2;

    private long sentIncarnation = -1;
    private long sentSequence;
    private Update pending;
    private Delivery pendingDelivery;
    /** Whether the pending update is queued for the pacing timer, or for writability (at most one of them). */
    private boolean waitingForTime;

    private boolean waitingForWritable;

    TopicSlot(FeedSession owner, String topic, long intervalNanos) {
        this.owner = owner;
        this.topic = topic;
        this.intervalNanos = intervalNanos;
    }

    String topic() {
        return topic;
    }

    void pace(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    long intervalNanos() {
        return intervalNanos;
    }

    boolean hasPending() {
        return pending != null;
    }

    void offer(Update update, Delivery delivery, long nowNanos) {
        boolean newer = pending != null
                ? update.isAfter(pending.incarnation(), pending.sequence())
                : update.isAfter(sentIncarnation, sentSequence);
        if (!newer) {
            return;
        }
        if (pending == null && owner.writable() && nowNanos - allowedAt() >= 0) {
            send(update, delivery, nowNanos);
            return;
        }
        if (pending != null) {
            pendingDelivery.releaseFrames();
        }
        pending = update;
        pendingDelivery = delivery.retainFrames();
        if (!waitingForTime && !waitingForWritable) {
            queue();
        }
    }

    /**
     * The pacing timer or writability says the pending update may be due: sends it if both its
     * time has come and the channel takes it, else queues it for whichever it still waits for.
     */
    void sendPending(long nowNanos) {
        waitingForTime = false;
        waitingForWritable = false;
        if (pending == null) {
            return;
        }
        if (!owner.writable() || nowNanos - allowedAt() < 0) {
            queue();
            return;
        }
        Update update = pending;
        Delivery delivery = pendingDelivery;
        pending = null;
        pendingDelivery = null;
        try {
            send(update, delivery, nowNanos);
        } finally {
            delivery.releaseFrames();
        }
    }

    void dropPending() {
        if (pendingDelivery != null) {
            pendingDelivery.releaseFrames();
        }
        pending = null;
        pendingDelivery = null;
    }

    private void queue() {
        if (!owner.writable()) {
            waitingForWritable = true;
            owner.queuePending(this);
        } else {
            waitingForTime = true;
            owner.awaitTime(this, allowedAt());
        }
    }

    private long allowedAt() {
        return tatNanos - BURST_NANOS;
    }

    private void send(Update update, Delivery delivery, long nowNanos) {
        sentIncarnation = update.incarnation();
        sentSequence = update.sequence();
        tatNanos = Math.max(tatNanos, nowNanos) + intervalNanos;
        owner.write(delivery);
    }
}
