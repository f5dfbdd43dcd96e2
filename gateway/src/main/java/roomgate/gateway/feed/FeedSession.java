package roomgate.gateway.feed;

import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import roomgate.cluster.FeedTopics;
import roomgate.gateway.session.ClientSession;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Subscribed;
import roomgate.protocol.v1.Unsubscribed;
import roomgate.wire.client.Delivery;

/**
 * The feed side of one client connection: its topic subscriptions and their conflation slots. The
 * session handler creates it when the WebSocket opens and calls it for {@code subscribe},
 * {@code unsubscribe}, writability changes and the close. Confined to the connection's event loop.
 *
 * <p>Replies keep request order: each request makes one round trip through
 * {@link PubSubManager}'s lifecycle thread (which subscribes upstream when needed) and is answered
 * when it comes back. A subscription goes live at that moment, so {@code Subscribed} precedes the
 * topic's first update and every update published after it is delivered (or, to a client that is
 * not reading, conflated to the newest).
 */
public final class FeedSession {
    /** Updates per second per topic a subscription gets when it names no {@code max_rate}. */
    public static final int DEFAULT_MAX_RATE = 50;
    /** The highest {@code max_rate} honoured; above it, this. */
    public static final int MAX_RATE = 10_000;

    private final PubSubManager manager;
    private final LoopFeeds loopFeeds;
    private final ClientSession session;
    private final Channel channel;
    private final Map<String, TopicSlot> slots = new HashMap<>();
    // Created when a topic first falls behind: most sessions never need it.
    private ArrayDeque<TopicSlot> pending;
    private boolean closed;

    FeedSession(PubSubManager manager, LoopFeeds loopFeeds, ClientSession session, Channel channel) {
        this.manager = manager;
        this.loopFeeds = loopFeeds;
        this.session = session;
        this.channel = channel;
    }

    public void subscribe(String requestId, List<String> requested) {
        subscribe(requestId, requested, 0);
    }

    /** {@code maxRate}: updates per second per topic at most; 0 for {@link #DEFAULT_MAX_RATE}. */
    public void subscribe(String requestId, List<String> requested, int maxRate) {
        long intervalNanos = 1_000_000_000L / (maxRate <= 0 ? DEFAULT_MAX_RATE : Math.min(maxRate, MAX_RATE));
        Set<String> topics = new LinkedHashSet<>(requested);
        if (!valid(requestId, topics)) {
            return;
        }
        List<TopicSlot> added = new ArrayList<>();
        for (String topic : topics) {
            TopicSlot existing = slots.get(topic);
            if (existing != null) {
                existing.pace(intervalNanos);
            } else {
                TopicSlot slot = new TopicSlot(this, topic, intervalNanos);
                slots.put(topic, slot);
                added.add(slot);
            }
        }
        manager.subscribe(loopFeeds, added.stream().map(TopicSlot::topic).toList(), failed -> {
            Subscribed.Builder reply = Subscribed.newBuilder();
            for (String topic : topics) {
                if (!failed.contains(topic)) {
                    reply.addTopics(topic);
                }
            }
            List<String> undo = new ArrayList<>();
            for (TopicSlot slot : added) {
                // Still wanted? If the client unsubscribed (or hung up) meanwhile, that request
                // has already given the subscription back.
                if (closed || slots.get(slot.topic()) != slot) {
                    continue;
                }
                if (failed.contains(slot.topic())) {
                    slots.remove(slot.topic());
                    undo.add(slot.topic());
                } else {
                    loopFeeds.add(slot);
                }
            }
            if (!undo.isEmpty()) {
                manager.unsubscribe(loopFeeds, undo, () -> {});
            }
            if (closed) {
                return;
            }
            if (reply.getTopicsCount() > 0) {
                session.deliver(Delivery.of(ServerMessage.newBuilder()
                        .setRequestId(requestId)
                        .setSubscribed(reply)
                        .build()));
            }
            if (!failed.isEmpty()) {
                session.error(
                        requestId,
                        ErrorCode.INTERNAL,
                        "",
                        "topics " + failed + ": the gateway could not subscribe" + " to them upstream; retry later");
            }
        });
    }

    /**
     * How many subscriptions this connection would hold after subscribing {@code requested}: what
     * the session checks against its topic cap before it subscribes.
     */
    public int subscriptionsWith(List<String> requested) {
        int total = slots.size();
        for (String topic : new LinkedHashSet<>(requested)) {
            total += slots.containsKey(topic) ? 0 : 1;
        }
        return total;
    }

    public void unsubscribe(String requestId, List<String> requested) {
        Set<String> topics = new LinkedHashSet<>(requested);
        if (!valid(requestId, topics)) {
            return;
        }
        List<String> removed = new ArrayList<>();
        for (String topic : topics) {
            TopicSlot slot = slots.remove(topic);
            if (slot != null) {
                forget(slot);
                removed.add(topic);
            }
        }
        manager.unsubscribe(loopFeeds, removed, () -> {
            if (!closed) {
                session.deliver(Delivery.of(ServerMessage.newBuilder()
                        .setRequestId(requestId)
                        .setUnsubscribed(Unsubscribed.newBuilder().addAllTopics(topics))
                        .build()));
            }
        });
    }

    /** The channel's writability changed: once writable again, send the newest pending update per topic. */
    public void writabilityChanged() {
        if (closed || !channel.isWritable() || pending == null || pending.isEmpty()) {
            return;
        }
        // In the order the topics fell behind; each slot holds one update, its topic's newest, and
        // sends it now unless its pace says later. The session flushes them together.
        long now = System.nanoTime();
        // Those already queued only: one that must wait again queues itself behind them.
        for (int n = pending.size(); n > 0; n--) {
            pending.poll().sendPending(now);
        }
    }

    /** The connection closed: every subscription ends. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<String> topics = new ArrayList<>(slots.keySet());
        for (TopicSlot slot : slots.values()) {
            forget(slot);
        }
        slots.clear();
        manager.unsubscribe(loopFeeds, topics, () -> {});
    }

    /** Topics with an update waiting for the channel to become writable; at most one each. */
    public int pendingUpdates() {
        return pending == null ? 0 : pending.size();
    }

    public int topicCount() {
        return slots.size();
    }

    boolean writable() {
        return channel.isWritable();
    }

    void queuePending(TopicSlot slot) {
        if (pending == null) {
            pending = new ArrayDeque<>(4);
        }
        pending.add(slot);
    }

    void awaitTime(TopicSlot slot, long dueNanos) {
        loopFeeds.awaitTime(slot, dueNanos);
    }

    void write(Delivery delivery) {
        session.deliverShared(delivery);
    }

    private void forget(TopicSlot slot) {
        loopFeeds.remove(slot);
        if (slot.hasPending()) {
            slot.dropPending();
            pending.remove(slot);
        }
    }

    private boolean valid(String requestId, Set<String> topics) {
        if (topics.isEmpty()) {
            session.error(requestId, ErrorCode.INVALID_TOPIC, "", "topics: empty (expected: at least one topic)");
            return false;
        }
        for (String topic : topics) {
            String problem = FeedTopics.problemWith(topic);
            if (problem != null) {
                session.error(requestId, ErrorCode.INVALID_TOPIC, "", problem);
                return false;
            }
        }
        return true;
    }
}
