package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import roomgate.client.RoomgateClient;
import roomgate.client.RoomgateClient.Encoding;
import roomgate.protocol.admin.v1.GatewayHealth;
import roomgate.protocol.admin.v1.TopicStatus;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.FeedUpdate;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Subscribe;
import roomgate.protocol.v1.Unsubscribe;

/**
 * Feeds end to end: one game node, two gateways and two publishers, each its own JVM, and 1,000
 * real WebSocket subscribers over 20 topics split across the gateways. Every subscriber that keeps
 * up sees every update of its topics in order, except those its gateway never got from upstream
 * (only a 2,000/s flood can outrun the upstream's buffer, and the gateway counts what it
 * skipped); each gateway holds exactly one upstream subscription per topic; a subscriber that
 * stops reading is conflated to the newest price per topic instead of being buffered for, and
 * nobody else notices; the last unsubscribe ends the upstream one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FeedSystemTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int SUBSCRIBERS = 1_000;
    private static final int TOPICS = 20;
    private static final int UPDATES_PER_TOPIC = 50;
    /**
     * One topic so busy that a client that stops reading fills its socket buffers (~0.4 MB here)
     * quickly; a long name makes each update bigger, so fewer are needed.
     */
    private static final String FLOOD =
            "stock.FLOOD." + "x".repeat(roomgate.cluster.FeedTopics.MAX_TOPIC_CHARS - "stock.FLOOD.".length());

    private static final int FLOOD_UPDATES = 3_500;

    private LocalCluster cluster;
    private final List<RoomgateClient> clients = new ArrayList<>();
    private final List<String> topics = IntStream.range(0, TOPICS)
            .mapToObj(i -> String.format("stock.T%02d", i))
            .toList();

    @BeforeAll
    void startCluster() throws Exception {
        // A small kernel send buffer per client: a paused reader fills it and Netty's after ~0.3 MB.
        cluster = LocalCluster.start("feeds", 1, 2, List.of("--client-send-buffer-bytes", "32768"));
    }

    @AfterAll
    void stopCluster() {
        clients.forEach(RoomgateClient::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A client and the sequences it received, per topic, in arrival order. */
    private record Subscriber(RoomgateClient client, int gateway, List<String> topics, Map<String, List<Long>> seen) {
        List<Long> seen(String topic) {
            synchronized (seen) {
                return new ArrayList<>(seen.getOrDefault(topic, List.of()));
            }
        }

        long last(String topic) {
            List<Long> s = seen(topic);
            return s.isEmpty() ? 0 : s.get(s.size() - 1);
        }
    }

    private Subscriber connect(int gateway, Encoding encoding, List<String> topics) throws Exception {
        RoomgateClient client = RoomgateClient.connect(cluster.websocket(gateway), encoding);
        clients.add(client);
        Map<String, List<Long>> seen = new HashMap<>();
        client.onMessage(m -> {
            if (m.hasFeedUpdate()) {
                FeedUpdate u = m.getFeedUpdate();
                synchronized (seen) {
                    seen.computeIfAbsent(u.getTopic(), t -> new ArrayList<>()).add(u.getSequence());
                }
            }
        });
        client.send(ClientMessage.newBuilder()
                .setRequestId("sub")
                // The highest pace a client may ask for: this test is about readers that keep up with
                // a 2,000/s flood getting every update, which the default pace (50/s) would conflate.
                .setSubscribe(Subscribe.newBuilder().addAllTopics(topics).setMaxRate(10_000))
                .build());
        return new Subscriber(client, gateway, topics, seen);
    }

    private static void awaitSubscribed(Subscriber s) throws Exception {
        ServerMessage reply = s.client().await(m -> m.getRequestId().equals("sub"), TIMEOUT);
        assertThat(reply.getSubscribed().getTopicsList()).as("reply %s", reply).containsExactlyElementsOf(s.topics());
    }

    private GatewayHealth health(int gateway) throws Exception {
        return GameFixture.get(cluster.health(gateway), GatewayHealth.newBuilder());
    }

    private static Map<String, Integer> localSubscribers(GatewayHealth health) {
        return health.getTopicsList().stream()
                .collect(Collectors.toMap(TopicStatus::getTopic, TopicStatus::getLocalSubscribers));
    }

    private static long missedUpdates(GatewayHealth health, String topic) {
        return health.getTopicsList().stream()
                .filter(t -> t.getTopic().equals(topic))
                .findFirst()
                .orElseThrow(() -> new AssertionError(topic + " not in " + health))
                .getMissedUpdates();
    }

    private static List<Long> range(long from, long to) {
        return java.util.stream.LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void everyoneWhoKeepsUpGetsEveryUpdateInOrderAndASlowReaderGetsTheNewestWithoutABacklog() throws Exception {
        // 1,000 subscribers, two topics each, alternating gateways; every tenth speaks JSON.
        List<Subscriber> subscribers = new ArrayList<>();
        for (int i = 0; i < SUBSCRIBERS; i++) {
            int first = i % TOPICS;
            int second = (first + 1 + (i / TOPICS) % (TOPICS - 1)) % TOPICS;
            subscribers.add(connect(
                    i % 2,
                    i % 10 == 0 ? Encoding.JSON : Encoding.BINARY,
                    List.of(topics.get(first), topics.get(second))));
        }
        List<String> all = new ArrayList<>(topics);
        all.add(FLOOD);
        Subscriber slow = connect(0, Encoding.JSON, all);
        Subscriber twin = connect(0, Encoding.JSON, all); // what the slow one would have seen
        for (Subscriber s : subscribers) {
            awaitSubscribed(s);
        }
        awaitSubscribed(slow);
        awaitSubscribed(twin);

        // Exactly one upstream subscription per topic per gateway, however many subscribers.
        List<Map<String, Integer>> expected = List.of(new HashMap<>(), new HashMap<>());
        for (Subscriber s : subscribers) {
            s.topics().forEach(t -> expected.get(s.gateway()).merge(t, 1, Integer::sum));
        }
        all.forEach(t -> expected.get(0).merge(t, 2, Integer::sum));
        GatewayHealth gw0 = health(0);
        GatewayHealth gw1 = health(1);
        assertThat(gw0.getUpstreamSubscriptions()).isEqualTo(TOPICS + 1);
        assertThat(gw1.getUpstreamSubscriptions()).isEqualTo(TOPICS);
        assertThat(localSubscribers(gw0)).isEqualTo(expected.get(0));
        assertThat(localSubscribers(gw1)).isEqualTo(expected.get(1));

        slow.client().setAutoRead(false);
        ServiceProcess prices = cluster.startPublisher(
                "feed-prices",
                List.of(
                        "--topics",
                        String.join(",", topics),
                        "--rate",
                        "20",
                        "--count",
                        Integer.toString(UPDATES_PER_TOPIC)));
        ServiceProcess flood = cluster.startPublisher(
                "feed-flood", List.of("--topics", FLOOD, "--rate", "2000", "--count", Integer.toString(FLOOD_UPDATES)));
        assertThat(prices.awaitExit(Duration.ofSeconds(40)))
                .as("prices publisher done")
                .isEqualTo(OptionalInt.of(0));
        assertThat(flood.awaitExit(Duration.ofSeconds(20)))
                .as("flood publisher done")
                .isEqualTo(OptionalInt.of(0));

        // Everyone who reads got every update of their topics, in order, no gap, no repeat.
        await().atMost(TIMEOUT)
                .until(() -> subscribers.stream()
                        .allMatch(s -> s.topics().stream().allMatch(t -> s.last(t) == UPDATES_PER_TOPIC)));
        for (Subscriber s : subscribers) {
            for (String topic : s.topics()) {
                assertThat(s.seen(topic))
                        .as("%s on gateway %d", topic, s.gateway())
                        .containsExactlyElementsOf(range(1, UPDATES_PER_TOPIC));
            }
        }
        // The flood outruns what the upstream stores for a gateway that falls behind (a GC pause
        // on a busy machine is enough): the gateway then skips ahead and counts the skipped updates.
        // Its twin, reading at full speed, gets every other one.
        await().atMost(TIMEOUT).until(() -> twin.last(FLOOD) == FLOOD_UPDATES);
        List<Long> floodReceived = twin.seen(FLOOD);
        long missedUpstream = missedUpdates(health(0), FLOOD);
        assertThat(floodReceived).as("the twin of the slow reader").isSorted().doesNotHaveDuplicates();
        assertThat(floodReceived.size() + missedUpstream)
                .as(
                        "flood updates the twin got (%d) and those that never reached its gateway (%d)",
                        floodReceived.size(), missedUpstream)
                .isEqualTo(FLOOD_UPDATES);
        assertThat(Metrics.scrape(HTTP, cluster.gatewayMetrics(0)).value("roomgate_gateway_feed_updates_missed_total"))
                .as("the gateway's metric: the flood is its only topic with gaps")
                .isEqualTo(missedUpstream);

        // The slow reader was conflated, not buffered for and not cut off; once it reads again it
        // gets the newest value of every topic, and nothing older after anything newer.
        assertThat(slow.client().isOpen()).isTrue();
        slow.client().setAutoRead(true);
        await().atMost(TIMEOUT)
                .until(() -> all.stream()
                        .allMatch(t -> slow.last(t) == (t.equals(FLOOD) ? FLOOD_UPDATES : UPDATES_PER_TOPIC)));
        List<Long> flooded = slow.seen(FLOOD);
        assertThat(flooded.size())
                .as("the slow reader missed old flood updates: it was conflated")
                .isLessThan(FLOOD_UPDATES);
        for (String topic : all) {
            List<Long> seen = slow.seen(topic);
            List<Long> received = twin.seen(topic);
            assertThat(seen).as("%s seen by the slow reader", topic).isSorted().doesNotHaveDuplicates();
            // What the socket buffers held (the start of what the gateway received), then at most
            // the one conflated newest value: the gateway kept at most one pending update per topic.
            int prefix = 0;
            while (prefix < seen.size()
                    && prefix < received.size()
                    && seen.get(prefix).equals(received.get(prefix))) {
                prefix++;
            }
            assertThat(seen.size() - prefix)
                    .as("%s: updates after the gap (%s)", topic, seen)
                    .isLessThanOrEqualTo(1);
        }

        // Unsubscribing (gateway 1) or hanging up (gateway 0) the last local subscriber ends the
        // upstream subscription.
        for (Subscriber s : subscribers) {
            if (s.gateway() == 1) {
                s.client()
                        .send(ClientMessage.newBuilder()
                                .setRequestId("unsub")
                                .setUnsubscribe(Unsubscribe.newBuilder().addAllTopics(s.topics()))
                                .build());
            }
        }
        for (Subscriber s : subscribers) {
            if (s.gateway() == 1) {
                assertThat(s.client()
                                .await(m -> m.getRequestId().equals("unsub"), TIMEOUT)
                                .hasUnsubscribed())
                        .isTrue();
            }
        }
        await().atMost(TIMEOUT).untilAsserted(() -> {
            GatewayHealth h = health(1);
            assertThat(h.getUpstreamSubscriptions()).isZero();
            assertThat(h.getTopicsList()).isEmpty();
        });
        for (Subscriber s : subscribers) {
            if (s.gateway() == 0) {
                s.client().close();
            }
        }
        slow.client().close();
        twin.client().close();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            GatewayHealth h = health(0);
            assertThat(h.getUpstreamSubscriptions()).isZero();
            assertThat(h.getTopicsList()).isEmpty();
        });
        System.out.printf(
                "feeds: %d subscribers over %d topics on 2 gateways, %d updates each; of %d flood updates"
                        + " %d never reached the gateway, the slow reader got %d%n",
                SUBSCRIBERS, TOPICS, UPDATES_PER_TOPIC, FLOOD_UPDATES, missedUpstream, flooded.size());
    }
}
