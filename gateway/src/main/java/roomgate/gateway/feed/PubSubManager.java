package roomgate.gateway.feed;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.gateway.session.ClientSession;

/**
 * The feeds of this gateway JVM: one upstream subscription per topic that has at least one local
 * subscriber, however many clients watch it, and the fan-out of each update to them. There is one
 * per JVM (private constructor, {@link #instance()}), like a game node's room registry; the
 * gateway's main starts it once with the cluster upstream, and sessions reach it through
 * {@link #openSession}.
 *
 * <p>Threads: subscriber counts and upstream subscribe/unsubscribe run on one lifecycle thread, in
 * the order requests arrive, so a topic's first subscribe and last unsubscribe can never race and
 * no event loop ever waits on the cluster. Updates arrive on the upstream's threads and are handed
 * to each event loop with subscribers once ({@link TopicFanout}); the loop fans out to its
 * sessions ({@link LoopFeeds}).
 */
public final class PubSubManager {
    private static final Logger log = LoggerFactory.getLogger(PubSubManager.class);
    private static final PubSubManager INSTANCE = new PubSubManager();

    private final Map<EventLoop, LoopFeeds> loops = new ConcurrentHashMap<>();
    private final LongAdder missedUpdates = new LongAdder();
    // Changed on the lifecycle thread only; read by status() from anywhere.
    private final Map<String, TopicFanout> topics = new ConcurrentHashMap<>();
    private volatile int upstreamSubscriptions;
    private volatile FeedUpstream upstream;
    private volatile ExecutorService lifecycle;

    private PubSubManager() {}

    public static PubSubManager instance() {
        return INSTANCE;
    }

    /**
     * Starts the manager on {@code upstream}.
     *
     * @throws IllegalStateException if it is already started
     */
    public void start(FeedUpstream upstream) {
        start(upstream, Executors.newSingleThreadExecutor(new DefaultThreadFactory("feed-lifecycle", true)));
    }

    /** With the given lifecycle executor, which must run tasks one at a time in order (tests). */
    synchronized void start(FeedUpstream upstream, ExecutorService lifecycle) {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(lifecycle, "lifecycle");
        if (this.lifecycle != null) {
            lifecycle.shutdownNow();
            throw new IllegalStateException("PubSubManager already started");
        }
        this.upstream = upstream;
        this.lifecycle = lifecycle;
    }

    /** Drops every upstream subscription and forgets all subscribers. */
    public synchronized void stop() {
        ExecutorService current = lifecycle;
        if (current == null) {
            return;
        }
        try {
            current.submit(() -> {
                        for (TopicFanout fanout : topics.values()) {
                            unsubscribeUpstream(fanout);
                        }
                        topics.clear();
                    })
                    .get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("feeds: could not drop the upstream subscriptions cleanly", e);
        }
        current.shutdownNow();
        lifecycle = null;
        upstream = null;
        loops.clear();
        upstreamSubscriptions = 0;
    }

    /** The feed side of a new client connection; call on the connection's event loop. */
    public FeedSession openSession(ClientSession session, Channel channel) {
        return new FeedSession(this, loopFeeds(channel.eventLoop()), session, channel);
    }

    /** What /health shows: upstream subscriptions, and local subscribers and missed updates per topic. */
    public FeedStatus status() {
        List<FeedStatus.Topic> list = new ArrayList<>();
        for (TopicFanout fanout : topics.values()) {
            list.add(new FeedStatus.Topic(fanout.topic(), fanout.subscribers(), fanout.missed()));
        }
        return new FeedStatus(upstreamSubscriptions, list);
    }

    /**
     * Feed updates that never reached this gateway, over all topics since it started: gaps in the
     * publishers' sequences (see {@link TopicFanout#missed}). Every local subscriber of the topic
     * misses them too.
     */
    public long missedUpdates() {
        return missedUpdates.sum();
    }

    LoopFeeds loopFeeds(EventLoop loop) {
        return loops.computeIfAbsent(loop, LoopFeeds::new);
    }

    /**
     * Adds one subscriber on {@code loop} to each of {@code topics}, subscribing upstream where it
     * is the first, then calls {@code then} on the loop with the topics that could not be
     * subscribed upstream (still counted: the caller gives them back).
     */
    void subscribe(LoopFeeds loop, Collection<String> names, Consumer<Set<String>> then) {
        onLifecycle(loop, () -> {
            Set<String> failed = new HashSet<>();
            for (String topic : names) {
                if (!addSubscriber(topic, loop)) {
                    failed.add(topic);
                }
            }
            return () -> then.accept(failed);
        });
    }

    /** Removes one subscriber on {@code loop} from each topic, unsubscribing upstream where it was the last. */
    void unsubscribe(LoopFeeds loop, Collection<String> names, Runnable then) {
        onLifecycle(loop, () -> {
            for (String topic : names) {
                removeSubscriber(topic, loop);
            }
            return then;
        });
    }

    /** Tests: waits until every lifecycle task queued so far has run (and posted its reply to its loop). */
    void awaitLifecycle() throws Exception {
        started().submit(() -> {}).get(10, TimeUnit.SECONDS);
    }

    private interface LifecycleTask {
        /** Runs on the lifecycle thread; returns what to run on the loop afterwards. */
        Runnable run();
    }

    private void onLifecycle(LoopFeeds loop, LifecycleTask task) {
        started().execute(() -> {
            Runnable reply = task.run();
            try {
                loop.loop().execute(reply);
            } catch (RejectedExecutionException stopping) {
                // The loop is shutting down with the gateway: no one is waiting for the reply.
            }
        });
    }

    private ExecutorService started() {
        ExecutorService current = lifecycle;
        if (current == null) {
            throw new IllegalStateException("PubSubManager not started");
        }
        return current;
    }

    private boolean addSubscriber(String topic, LoopFeeds loop) {
        TopicFanout fanout = topics.computeIfAbsent(topic, t -> new TopicFanout(t, missedUpdates));
        fanout.addSubscriber(loop);
        if (fanout.registration() != null) {
            return true;
        }
        return subscribeUpstream(fanout);
    }

    private boolean subscribeUpstream(TopicFanout fanout) {
        int generation = fanout.nextGeneration();
        try {
            UUID registration = upstream.subscribe(
                    fanout.topic(), fanout::onUpstream, () -> onLifecycleQuietly(() -> cancelled(fanout, generation)));
            fanout.registered(registration);
            upstreamSubscriptions++;
            log.debug("feed {}: subscribed upstream", fanout.topic());
            return true;
        } catch (RuntimeException e) {
            log.warn("feed {}: cannot subscribe upstream", fanout.topic(), e);
            return false;
        }
    }

    /**
     * The upstream ended a subscription. If it is still the live one (not one we removed) and the
     * topic still has subscribers, subscribe again: they must not silently stop getting prices.
     */
    private void cancelled(TopicFanout fanout, int generation) {
        if (topics.get(fanout.topic()) != fanout
                || fanout.generation() != generation
                || fanout.registration() == null) {
            return;
        }
        log.warn("feed {}: the upstream subscription was cancelled; subscribing again", fanout.topic());
        fanout.registered(null);
        upstreamSubscriptions--;
        if (!subscribeUpstream(fanout)) {
            log.warn("feed {}: no upstream subscription until the next client subscribes to it", fanout.topic());
        }
    }

    private void onLifecycleQuietly(Runnable task) {
        ExecutorService current = lifecycle;
        if (current == null) {
            return;
        }
        try {
            current.execute(task);
        } catch (RejectedExecutionException stopping) {
            // Stopping: nothing to renew.
        }
    }

    private void removeSubscriber(String topic, LoopFeeds loop) {
        TopicFanout fanout = topics.get(topic);
        if (fanout == null) {
            return;
        }
        if (fanout.removeSubscriber(loop) <= 0) {
            topics.remove(topic);
            unsubscribeUpstream(fanout);
        }
    }

    private void unsubscribeUpstream(TopicFanout fanout) {
        UUID registration = fanout.registration();
        if (registration == null) {
            return;
        }
        // First, so that the cancellation this causes is recognised as ours.
        fanout.nextGeneration();
        fanout.registered(null);
        try {
            upstream.unsubscribe(fanout.topic(), registration);
            log.debug("feed {}: unsubscribed upstream", fanout.topic());
        } catch (RuntimeException e) {
            // The listener dies with the member anyway; the count must still say it is gone.
            log.warn("feed {}: cannot unsubscribe upstream", fanout.topic(), e);
        }
        upstreamSubscriptions--;
    }
}
