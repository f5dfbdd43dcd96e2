package roomgate.gateway.feed;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.protocol.v1.FeedUpdate;
import roomgate.protocol.v1.ServerMessage;
import roomgate.wire.client.SharedFrames;

/**
 * One feed topic with local subscribers: which event loops have them, and the hand-off of each
 * upstream update to those loops — one task per loop per update, whatever the number of
 * subscribers on it; the loop fans it out ({@link LoopFeeds}). Subscriber counts change only on
 * {@link PubSubManager}'s lifecycle thread; updates arrive on the upstream's thread, one at a time
 * and in order, and read the loops through one volatile array.
 */
final class TopicFanout {
    private static final Logger log = LoggerFactory.getLogger(TopicFanout.class);
    private static final LoopFeeds[] NO_LOOPS = new LoopFeeds[0];
    private static final long MISSED_LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final String topic;
    /** This gateway's missed updates over all topics, past ones included. */
    private final LongAdder missedByGateway;
    // Lifecycle thread only.
    private final Map<LoopFeeds, Integer> subscribersPerLoop = new HashMap<>();
    private UUID registration;
    /** Bumped at every upstream subscribe and unsubscribe: tells a stale cancellation from a live one. */
    private int generation;
    // Written on the lifecycle thread, read anywhere.
    private volatile LoopFeeds[] loops = NO_LOOPS;
    private volatile int subscribers;
    // Upstream thread only.
    private long incarnation;
    private long lastSequence;
    private boolean warnedTopic;
    private long missedLogged;
    private long lastMissedLogNanos;
    // Written on the upstream thread, read anywhere.
    private volatile long missed;
    // Set by any loop, read on the upstream thread.
    private volatile boolean textWanted;
    private final Runnable wantText = this::wantText;

    TopicFanout(String topic, LongAdder missedByGateway) {
        this.topic = topic;
        this.missedByGateway = missedByGateway;
    }

    String topic() {
        return topic;
    }

    int subscribers() {
        return subscribers;
    }

    /**
     * Updates of this topic that never reached this gateway since its upstream subscription began:
     * the gaps in the publisher's sequence. The upstream skips ahead when the gateway falls behind
     * it by more than it stores, and loses what it had not backed up when a node dies.
     */
    long missed() {
        return missed;
    }

    UUID registration() {
        return registration;
    }

    void registered(UUID registration) {
        this.registration = registration;
    }

    int nextGeneration() {
        return ++generation;
    }

    int generation() {
        return generation;
    }

    /** One more (session, topic) subscription on {@code loop}. */
    void addSubscriber(LoopFeeds loop) {
        if (subscribersPerLoop.merge(loop, 1, Integer::sum) == 1) {
            loops = subscribersPerLoop.keySet().toArray(NO_LOOPS);
        }
        subscribers++;
    }

    /** One fewer; returns how many are left on all loops. */
    int removeSubscriber(LoopFeeds loop) {
        Integer left = subscribersPerLoop.computeIfPresent(loop, (l, n) -> n == 1 ? null : n - 1);
        if (left == null) {
            loops = subscribersPerLoop.keySet().toArray(NO_LOOPS);
        }
        return --subscribers;
    }

    /**
     * A loop had a client that reads JSON and had to print an update's text frame itself: from now
     * on this topic's text frames are made here, once for the gateway, like its binary ones. It
     * stays on while the topic has local subscribers (a client may change encoding at any frame,
     * so counting text clients would be a guess); until it is on, each loop prints its own.
     */
    void wantText() {
        textWanted = true;
    }

    /**
     * An update from upstream: parsed and encoded once here, as whole frames shared by every loop
     * (reference counted: one reference per loop it is posted to), then handed to each loop once.
     */
    void onUpstream(byte[] payload) {
        FeedUpdate update;
        try {
            update = FeedUpdate.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            log.warn("feed {}: dropped an update that is not a FeedUpdate ({} bytes)", topic, payload.length);
            return;
        }
        if (!update.getTopic().equals(topic)) {
            // The publisher wrote to the wrong reliable topic; subscribers asked for this name.
            if (!warnedTopic) {
                warnedTopic = true;
                log.warn("feed {}: an update names topic '{}'; delivering it as {}", topic, update.getTopic(), topic);
            }
            update = update.toBuilder().setTopic(topic).build();
        }
        if (update.getSequence() <= lastSequence) {
            // Sequences only go back when the publisher restarted: its updates are the newest now.
            incarnation++;
            log.info(
                    "feed {}: sequence went back from {} to {}; publisher restarted",
                    topic,
                    lastSequence,
                    update.getSequence());
        } else if (lastSequence > 0 && update.getSequence() > lastSequence + 1) {
            missed(update.getSequence() - lastSequence - 1);
        }
        lastSequence = update.getSequence();
        LoopFeeds[] targets = loops;
        if (targets.length == 0) {
            return;
        }
        SharedFrames frames = SharedFrames.of(
                ServerMessage.newBuilder().setFeedUpdate(update).build().toByteString(), textWanted);
        Update out = new Update(topic, incarnation, update.getSequence(), frames, wantText);
        try {
            for (LoopFeeds loop : targets) {
                frames.retain();
                try {
                    loop.post(out);
                } catch (RejectedExecutionException stopping) {
                    // The loop is shutting down with the gateway; its sessions are closing.
                    frames.release();
                }
            }
        } finally {
            frames.release();
        }
    }

    /** Counts a gap; logs at most one line per topic every 10 s, which sums up the gaps since the last. */
    private void missed(long count) {
        missed += count; // one writer: the upstream thread
        missedByGateway.add(count);
        long now = System.nanoTime();
        if (missedLogged == 0 || now - lastMissedLogNanos >= MISSED_LOG_INTERVAL_NANOS) {
            log.warn(
                    "feed {}: {} updates never reached this gateway ({} since it subscribed); it fell behind"
                            + " the upstream, or a node died with them",
                    topic,
                    missed - missedLogged,
                    missed);
            missedLogged = missed;
            lastMissedLogNanos = now;
        }
    }
}
