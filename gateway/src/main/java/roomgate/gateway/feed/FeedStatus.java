package roomgate.gateway.feed;

import java.util.Comparator;
import java.util.List;

/**
 * A snapshot of a gateway's feeds for /health: how many upstream subscriptions it holds (one per
 * topic with local subscribers), and per topic how many local subscriptions it has and how many
 * updates never reached the gateway since it subscribed upstream.
 */
public record FeedStatus(int upstreamSubscriptions, List<Topic> topics) {
    public record Topic(String topic, int localSubscribers, long missedUpdates) {}

    public FeedStatus {
        topics = topics.stream().sorted(Comparator.comparing(Topic::topic)).toList();
    }
}
