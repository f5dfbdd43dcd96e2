package roomgate.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.ReliableTopicConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.topic.TopicOverloadPolicy;

/**
 * Feed topics (e.g. {@code stock.AAPL}) as the cluster carries them: the name rule that the
 * gateway enforces on clients and the publisher on itself, the Hazelcast reliable topic that backs
 * each feed topic ({@code feed.stock.AAPL}, payload = a serialized {@code roomgate.v1.FeedUpdate}),
 * and that reliable topic's configuration, which every member adds through
 * {@link HazelcastSettings#toMemberConfig}: game nodes store the ringbuffers, publishers and
 * gateways read the same settings on their side.
 */
public final class FeedTopics {
    public static final int MAX_TOPIC_CHARS = 64;
    /** Keeps feed topics apart from any other reliable topic or ringbuffer in the cluster. */
    static final String UPSTREAM_PREFIX = "feed.";
    /**
     * Per topic: at 20 updates/s this is ~13 s of history, which is how far a gateway may fall
     * behind before it starts skipping prices. A price older than that is worthless, and 256 small
     * items (~70 bytes each) keep even 10,000 topics at well under 200 MB across the nodes.
     */
    static final int RINGBUFFER_CAPACITY = 256;
    /** Frees the memory of a topic whose publisher stopped; a live topic overwrites long before. */
    static final int RINGBUFFER_TTL_SECONDS = 30;
    /** How many updates a gateway's listener takes per read when it has fallen behind. */
    static final int READ_BATCH_SIZE = 64;

    private FeedTopics() {}

    /** The reliable topic that carries {@code topic}. */
    public static String upstreamName(String topic) {
        return UPSTREAM_PREFIX + topic;
    }

    /**
     * Why {@code topic} is not a valid feed topic name, or null if it is: 1..64 characters of
     * {@code A-Z a-z 0-9 . _ -}. Topic names go into Hazelcast object names, logs and metrics.
     */
    public static String problemWith(String topic) {
        if (topic.isEmpty()) {
            return "topic: empty (expected: 1.." + MAX_TOPIC_CHARS + " chars of A-Z a-z 0-9 . _ -)";
        }
        if (topic.length() > MAX_TOPIC_CHARS) {
            return "topic: " + topic.length() + " chars (expected: at most " + MAX_TOPIC_CHARS + ")";
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-';
            if (!ok) {
                return "topic '" + abbreviate(topic) + "': character '" + c + "' at " + i
                        + " (expected: A-Z a-z 0-9 . _ -)";
            }
        }
        return null;
    }

    /**
     * Adds the feed topics' settings to a member config.
     *
     * <p>Overload policy DISCARD_OLDEST: a full ringbuffer overwrites its oldest price instead of
     * blocking or failing the publisher (Hazelcast's default, BLOCK, would let one lagging reader
     * stall every feed). Readers are loss-tolerant (see the gateway's listener): one that falls
     * more than the capacity behind jumps ahead, dropping old prices rather than failing.
     * Backups are asynchronous: a price is superseded within a second, so a publish should not
     * wait for a backup acknowledgement, and losing a few on a node crash is harmless.
     */
    static void configure(Config config) {
        config.addReliableTopicConfig(new ReliableTopicConfig(UPSTREAM_PREFIX + "*")
                .setTopicOverloadPolicy(TopicOverloadPolicy.DISCARD_OLDEST)
                .setReadBatchSize(READ_BATCH_SIZE)
                .setStatisticsEnabled(false));
        // The ringbuffer behind reliable topic X is named _hz_rb_X, but Hazelcast 5 looks its
        // config up under X (it strips the prefix): so the same pattern as the topic's.
        config.addRingBufferConfig(new RingbufferConfig(UPSTREAM_PREFIX + "*")
                .setCapacity(RINGBUFFER_CAPACITY)
                .setTimeToLiveSeconds(RINGBUFFER_TTL_SECONDS)
                .setBackupCount(0)
                .setAsyncBackupCount(1)
                .setInMemoryFormat(InMemoryFormat.BINARY));
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
