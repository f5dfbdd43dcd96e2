package roomgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.concurrent.EventExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.routing.LinkServerNode.Welcoming;
import roomgate.gateway.session.ClientSession;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;
import roomgate.protocol.link.v1.Rejoin;
import roomgate.wire.client.ClientFrameCodec;
import roomgate.wire.link.LinkAuth;
import roomgate.wire.link.LinkSettings;

/**
 * A gateway of two event loops, each with its own link to each node, over real (in-JVM) channels to
 * two fake nodes ({@link LinkServerNode}): the sessions of one room sit on both loops, and when one loop's link to the
 * room's node fails, both loops move the room to the successor (the other loop drops its own,
 * still healthy, link to the node), so the room's players stay together.
 */
class RouterGroupLoopsTest {
    private static final LinkAuth AUTH =
            LinkAuth.withSecret("loops-test-link-secret-of-32-bytes-or-more".getBytes(StandardCharsets.UTF_8));

    private final EventLoopGroup gatewayLoops = new MultiThreadIoEventLoopGroup(2, LocalIoHandler.newFactory());
    private final EventLoopGroup nodeLoops = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
    private final NodeInfo n1 = RouterHarness.nodeInfo("n1");
    private final NodeInfo n2 = RouterHarness.nodeInfo("n2");
    private final NodeView view = NodeView.of(1, List.of(n1, n2));
    /** Local addresses are JVM-wide: each test's nodes listen at addresses of their own. */
    private final String run = UUID.randomUUID() + "-";

    private final Map<String, LinkServerNode> nodes = Map.of(
            "n1", new LinkServerNode("n1", AUTH, Welcoming.HONEST),
            "n2", new LinkServerNode("n2", AUTH, Welcoming.HONEST));

    @AfterEach
    void stop() {
        gatewayLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        nodeLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void whenOneLoopsLinkToTheRoomsNodeFailsBothLoopsMoveTheRoomTogether() throws Exception {
        RouterGroup routers = start();
        List<EventLoop> loops = loops();
        String roomId = roomOn("n1");

        // One player of the room on each loop.
        for (int i = 0; i < 2; i++) {
            EventLoop loop = loops.get(i);
            long sessionId = i + 1;
            loop.submit(() -> {
                        Router router = routers.of(loop);
                        ClientSession session = new ClientSession(
                                sessionId, "p" + sessionId, new EmbeddedChannel(new ClientFrameCodec()));
                        router.register(session);
                        router.forward(session, RouterHarness.join(roomId, "j" + sessionId), roomId);
                    })
                    .sync();
        }
        LinkServerNode first = nodes.get("n1");
        await().atMost(Duration.ofSeconds(30)).until(() -> first.requests.size() == 2);
        assertThat(first.authenticatedLinks)
                .as("each loop proved itself on its links")
                .isNotEmpty();

        // The link that carried session 1's join fails; the one carrying session 2's stays up.
        first.linkOf(1).close().sync();

        LinkServerNode successor = nodes.get("n2");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(successor.rejoins)
                        .as("both loops rejoined the room at the successor")
                        .flatExtracting(Rejoin::getSessionsList)
                        .extracting(s -> s.getSessionId())
                        .containsExactlyInAnyOrder(1L, 2L));
        assertThat(successor.rejoins).allSatisfy(r -> {
            assertThat(r.getRoomId()).isEqualTo(roomId);
            assertThat(r.getUnreachableNodeIdsList()).containsExactly("n1");
        });
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(first.linkOf(2).isActive())
                        .as("the other loop dropped its healthy link to n1 too")
                        .isFalse());

        // Session 2's next move goes to the successor, where session 1 is too.
        EventLoop second = loops.get(1);
        second.submit(() -> {
                    Router router = routers.of(second);
                    ClientSession session = new ClientSession(2, "p2", new EmbeddedChannel(new ClientFrameCodec()));
                    router.forward(session, RouterHarness.move(roomId, "m2", "e7e5"), roomId);
                })
                .sync();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(successor.requests)
                        .extracting(r -> r.getMessage().getRequestId())
                        .contains("m2"));
        assertThat(first.requests)
                .extracting(r -> r.getMessage().getRequestId())
                .doesNotContain("m2");
    }

    /**
     * Every loop's link to a node is cut (the node refuses connections meanwhile); while it is, the
     * node stays unreachable for both loops, and one loop probes it; once a probe completes its
     * handshake both loops link to it and place new rooms on it again, naming nobody unreachable.
     */
    @Test
    void afterACutHealsBothLoopsPlaceRoomsOnTheNodeAgain() throws Exception {
        RouterGroup routers = start();
        List<EventLoop> loops = loops();
        LinkServerNode cutOff = nodes.get("n1");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(cutOff.authenticatedLinks).hasSize(2));

        cutOff.cut = true;
        for (Channel link : cutOff.authenticatedLinks) {
            link.close().sync();
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(cutOff.refused.get())
                        .as("probed again and again while cut")
                        .isGreaterThanOrEqualTo(2));
        for (int i = 0; i < loops.size(); i++) {
            forwardJoin(routers, loops.get(i), i + 1, "during-" + i);
        }
        LinkServerNode other = nodes.get("n2");
        await().atMost(Duration.ofSeconds(30)).until(() -> other.requests.size() == loops.size());
        assertThat(other.requests)
                .as("rooms of n1 placed elsewhere, naming n1 unreachable, by both loops")
                .allSatisfy(r -> assertThat(r.getUnreachableNodeIdsList()).containsExactly("n1"));

        cutOff.cut = false;
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(cutOff.authenticatedLinks)
                        .as("the probe, then the other loop's link")
                        .hasSize(4));
        for (int i = 0; i < loops.size(); i++) {
            forwardJoin(routers, loops.get(i), i + 1, "after-" + i);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> cutOff.requests.size() == loops.size());
        assertThat(cutOff.requests)
                .allSatisfy(r -> assertThat(r.getUnreachableNodeIdsList()).isEmpty());
        assertThat(other.requests).hasSize(loops.size());
    }

    /** From a new session on {@code loop}: a join of a new room that hashing places on n1. */
    private void forwardJoin(RouterGroup routers, EventLoop loop, long sessionId, String tag) throws Exception {
        String roomId = roomOn("n1", tag);
        loop.submit(() -> {
                    Router router = routers.of(loop);
                    ClientSession session =
                            new ClientSession(sessionId, "p" + sessionId, new EmbeddedChannel(new ClientFrameCodec()));
                    router.register(session);
                    router.forward(session, RouterHarness.join(roomId, "j-" + tag), roomId);
                })
                .sync();
    }

    /** The fake nodes listening, and a gateway of two loops linked to them. */
    private RouterGroup start() throws InterruptedException {
        for (LinkServerNode node : nodes.values()) {
            new ServerBootstrap()
                    .group(nodeLoops)
                    .channel(LocalServerChannel.class)
                    .childHandler(node.initializer())
                    .bind(new LocalAddress(run + node.nodeId))
                    .sync();
        }
        LinkConnector connector = (loop, node, handler) -> new Bootstrap()
                .group(loop)
                .channel(LocalChannel.class)
                .handler(handler)
                .connect(new LocalAddress(run + node.nodeId()));
        return new RouterGroup(
                gatewayLoops,
                new LinkOptions("gw-loops", LinkSettings.unauthenticated(), AUTH),
                () -> view,
                connector,
                GatewayMetrics.disabled(),
                System::nanoTime);
    }

    private List<EventLoop> loops() {
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor executor : gatewayLoops) {
            loops.add((EventLoop) executor);
        }
        return loops;
    }

    private String roomOn(String nodeId) {
        return roomOn(nodeId, "");
    }

    private String roomOn(String nodeId, String tag) {
        return RouterHarness.roomOn(view, nodeId, tag, Set.of());
    }
}
