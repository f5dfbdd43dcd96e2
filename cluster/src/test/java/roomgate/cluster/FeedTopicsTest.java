package roomgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.topic.TopicOverloadPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeedTopicsTest {
    @Test
    void acceptsOneToSixtyFourPlainCharacters() {
        assertThat(FeedTopics.problemWith("stock.AAPL")).isNull();
        assertThat(FeedTopics.problemWith("fx_EUR-USD.1")).isNull();
        assertThat(FeedTopics.problemWith("a".repeat(64))).isNull();
    }

    @Test
    void refusesEmptyTooLongAndOtherCharactersNamingTheProblem() {
        assertThat(FeedTopics.problemWith("")).startsWith("topic: empty");
        assertThat(FeedTopics.problemWith("a".repeat(65))).isEqualTo("topic: 65 chars (expected: at most 64)");
        assertThat(FeedTopics.problemWith("stock:AAPL")).contains("character ':' at 5");
        assertThat(FeedTopics.problemWith("stock AAPL")).contains("character ' ' at 5");
        assertThat(FeedTopics.problemWith("stock/é")).contains("character '/' at 5");
    }

    @Test
    void everyMemberConfigCarriesTheFeedTopicSettings() {
        Config config = new HazelcastSettings("c", "127.0.0.1", 5701, List.of("127.0.0.1:5701"), 5, 1, 1)
                .toMemberConfig("m", true, Map.of());
        String topic = FeedTopics.upstreamName("stock.AAPL");
        assertThat(topic).isEqualTo("feed.stock.AAPL");
        assertThat(config.findReliableTopicConfig(topic).getTopicOverloadPolicy())
                .isEqualTo(TopicOverloadPolicy.DISCARD_OLDEST);
        // Looked up as Hazelcast's RingbufferService does for a reliable topic's ringbuffer.
        assertThat(config.findRingbufferConfig(topic).getCapacity()).isEqualTo(FeedTopics.RINGBUFFER_CAPACITY);
        assertThat(config.findRingbufferConfig(topic).getTimeToLiveSeconds()).isPositive();
        // Other reliable topics keep Hazelcast's defaults.
        assertThat(config.findReliableTopicConfig("other").getTopicOverloadPolicy())
                .isEqualTo(TopicOverloadPolicy.BLOCK);
    }
}
