package roomgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.metrics.GatewayMetrics.LinkRefusal;
import roomgate.gateway.routing.LinkServerNode.Welcoming;
import roomgate.gateway.session.ClientSession;
import roomgate.placement.NodeView;
import roomgate.runtime.net.Transport;
import roomgate.wire.client.ClientFrameCodec;
import roomgate.wire.link.LinkAuth;
import roomgate.wire.link.LinkSettings;

/**
 * A gateway's routers, over real loopback TCP (the production {@link SocketLinkConnector}), to two
 * link servers ({@link LinkServerNode}): an impostor at n1's address that challenges correctly as n1 but cannot prove it holds
 * the secret (a forged or missing Welcome proof), and an honest n2. The impostor never receives a
 * client's request; the gateway counts and drops its link and names n1 unreachable to n2, which
 * serves the request instead. With {@code --link-auth none} on both sides, empty proofs still link.
 */
class ImpostorNodeLinkTest {
    private static final LinkAuth AUTH =
            LinkAuth.withSecret("impostor-test-link-secret-of-32-bytes-or-more".getBytes(StandardCharsets.UTF_8));

    private final EventLoopGroup gatewayLoops = Transport.NIO.newGroup(1);
    private final EventLoopGroup nodeLoops = Transport.NIO.newGroup(1);

    @AfterEach
    void stop() {
        gatewayLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        nodeLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void anImpostorWithAForgedProofGetsNoRequestAndItsNodeIsUnreachable() throws Exception {
        assertTheImpostorIsRefused(Welcoming.FORGED, LinkRefusal.BAD_PROOF);
    }

    @Test
    void anImpostorWithoutAProofGetsNoRequestAndItsNodeIsUnreachable() throws Exception {
        assertTheImpostorIsRefused(Welcoming.MISSING, LinkRefusal.NO_PROOF);
    }

    @Test
    void withLinkAuthOffOnBothSidesEmptyProofsStillLink() throws Exception {
        LinkServerNode n1 = new LinkServerNode("n1", LinkAuth.none(), Welcoming.MISSING);
        NodeView view = NodeView.of(1, List.of(n1.listenOnLoopback(nodeLoops)));
        GatewayMetrics metrics = GatewayMetrics.disabled();
        RouterGroup routers = new RouterGroup(
                gatewayLoops, LinkOptions.unauthenticated("gw-none"), () -> view, Transport.NIO, metrics);

        join(routers, "room-1");

        await().atMost(Duration.ofSeconds(30)).until(() -> !n1.requests.isEmpty());
        for (LinkRefusal reason : LinkRefusal.values()) {
            assertThat(metrics.linkRefusals(reason)).as(reason.name()).isZero();
        }
    }

    private void assertTheImpostorIsRefused(Welcoming welcoming, LinkRefusal reason) throws Exception {
        LinkServerNode impostor = new LinkServerNode("n1", AUTH, welcoming);
        LinkServerNode honest = new LinkServerNode("n2", AUTH, Welcoming.HONEST);
        NodeView view =
                NodeView.of(1, List.of(impostor.listenOnLoopback(nodeLoops), honest.listenOnLoopback(nodeLoops)));
        String roomId = RouterHarness.roomOn(view, "n1", "", Set.of());
        GatewayMetrics metrics = GatewayMetrics.disabled();
        RouterGroup routers = new RouterGroup(
                gatewayLoops,
                new LinkOptions("gw-1", LinkSettings.unauthenticated(), AUTH),
                () -> view,
                Transport.NIO,
                metrics);

        join(routers, roomId);

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(honest.requests)
                        .as("the join, sent to n2 instead, naming n1 unreachable")
                        .singleElement()
                        .satisfies(r -> {
                            assertThat(r.getMessage().getJoin().getRoomId()).isEqualTo(roomId);
                            assertThat(r.getUnreachableNodeIdsList()).containsExactly("n1");
                        }));
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        !impostor.links.isEmpty() && impostor.links.stream().noneMatch(Channel::isActive));
        assertThat(impostor.hellos).as("the impostor got the gateway's Hello").isNotEmpty();
        assertThat(impostor.requests).as("and no client's request").isEmpty();
        assertThat(impostor.rejoins).as("nor a rejoin").isEmpty();
        assertThat(impostor.otherFrames).as("nor anything else").isEmpty();
        // Once per link: the probes that follow the mark try the impostor again, and are refused again.
        assertThat(metrics.linkRefusals(reason)).isGreaterThanOrEqualTo(1);
    }

    /** One client on the gateway's loop asks to join {@code roomId}. */
    private void join(RouterGroup routers, String roomId) throws Exception {
        EventLoop loop = gatewayLoops.next();
        loop.submit(() -> {
                    Router router = routers.of(loop);
                    ClientSession session = new ClientSession(1, "p1", new EmbeddedChannel(new ClientFrameCodec()));
                    router.register(session);
                    router.forward(session, RouterHarness.join(roomId, "j1"), roomId);
                })
                .sync();
    }
}
