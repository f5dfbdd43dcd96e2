package roomgate.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.metrics.GatewayMetrics.LinkRefusal;
import roomgate.gateway.session.ClientSession;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;
import roomgate.protocol.link.v1.Challenge;
import roomgate.protocol.link.v1.Hello;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.link.v1.Welcome;
import roomgate.runtime.net.Transport;
import roomgate.wire.client.ClientFrameCodec;
import roomgate.wire.link.LinkAuth;
import roomgate.wire.link.LinkCodec;
import roomgate.wire.link.LinkSettings;

/**
 * A gateway's routers, over real loopback TCP (the production {@link SocketLinkConnector}), to two
 * link servers: an impostor at n1's address that challenges correctly as n1 but cannot prove it holds
 * the secret (a forged or missing Welcome proof), and an honest n2. The impostor never receives a
 * client's request; the gateway counts and drops its link and names n1 unreachable to n2, which
 * serves the request instead. With {@code --link-auth none} on both sides, empty proofs still link.
 */
class ImpostorNodeLinkTest {
    private static final LinkAuth AUTH =
            LinkAuth.withSecret("impostor-test-link-secret-of-32-bytes-or-more".getBytes(StandardCharsets.UTF_8));
    private static final LinkAuth OTHER_SECRET =
            LinkAuth.withSecret("not-the-cluster-secret-but-32-bytes-long".getBytes(StandardCharsets.UTF_8));

    private final EventLoopGroup gatewayLoops = Transport.NIO.newGroup(1);
    private final EventLoopGroup nodeLoops = Transport.NIO.newGroup(1);

    @AfterEach
    void stop() {
        gatewayLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        nodeLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** What a link server answers the gateway's Hello with. */
    enum Welcoming {
        HONEST,
        FORGED,
        MISSING
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
        LinkServer n1 = new LinkServer("n1", LinkAuth.none(), Welcoming.MISSING);
        NodeView view = NodeView.of(1, List.of(n1.info()));
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
        LinkServer impostor = new LinkServer("n1", AUTH, welcoming);
        LinkServer honest = new LinkServer("n2", AUTH, Welcoming.HONEST);
        NodeView view = NodeView.of(1, List.of(impostor.info(), honest.info()));
        String roomId = roomOn(view, "n1");
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

    private static String roomOn(NodeView view, String nodeId) {
        for (int i = 0; ; i++) {
            String roomId = "room-" + i;
            if (view.ownerOf(roomId, Set.of()).nodeId().equals(nodeId)) {
                return roomId;
            }
        }
    }

    /** A link server on loopback speaking the link frames as a node does, up to its Welcome. */
    private final class LinkServer {
        final String nodeId;
        final LinkAuth auth;
        final Welcoming welcoming;
        final int port;
        final List<Channel> links = new CopyOnWriteArrayList<>();
        final List<Hello> hellos = new CopyOnWriteArrayList<>();
        final List<SessionRequest> requests = new CopyOnWriteArrayList<>();
        final List<LinkFrame> otherFrames = new CopyOnWriteArrayList<>();

        LinkServer(String nodeId, LinkAuth auth, Welcoming welcoming) throws InterruptedException {
            this.nodeId = nodeId;
            this.auth = auth;
            this.welcoming = welcoming;
            Channel server = new ServerBootstrap()
                    .group(nodeLoops)
                    .channel(Transport.NIO.serverChannel())
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            links.add(ch);
                            LinkCodec.install(ch.pipeline());
                            ch.pipeline().addLast(new Handler());
                        }
                    })
                    .bind("127.0.0.1", 0)
                    .sync()
                    .channel();
            port = ((InetSocketAddress) server.localAddress()).getPort();
        }

        NodeInfo info() {
            return new NodeInfo(
                    nodeId, "127.0.0.1", port, 1, UUID.nameUUIDFromBytes(nodeId.getBytes(StandardCharsets.UTF_8)));
        }

        private final class Handler extends SimpleChannelInboundHandler<LinkFrame> {
            private final byte[] nonce = LinkAuth.newNonce();

            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(LinkFrame.newBuilder()
                        .setChallenge(Challenge.newBuilder()
                                .setNonce(ByteString.copyFrom(nonce))
                                .setNodeId(nodeId))
                        .build());
            }

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, LinkFrame frame) {
                switch (frame.getBodyCase()) {
                    case HELLO -> onHello(ctx, frame.getHello());
                    case REQUEST -> {
                        requests.add(frame.getRequest());
                        if (frame.getRequest().getMessage().hasJoin()) {
                            ctx.writeAndFlush(LinkFrame.newBuilder()
                                    .setReply(RouterHarness.joinedReply(frame.getRequest(), nodeId, 1))
                                    .build());
                        }
                    }
                    case HEARTBEAT -> {}
                    default -> otherFrames.add(frame);
                }
            }

            /** A correct challenge was answered: the gateway's proof is checked as a node does, then the Welcome. */
            private void onHello(ChannelHandlerContext ctx, Hello hello) {
                hellos.add(hello);
                if (!auth.verify(
                        nonce, hello.getGatewayId(), nodeId, hello.getProof().toByteArray())) {
                    ctx.close();
                    return;
                }
                byte[] gatewayNonce = hello.getGatewayNonce().toByteArray();
                byte[] proof = switch (welcoming) {
                    case HONEST -> auth.nodeProof(gatewayNonce, nonce, nodeId, hello.getGatewayId());
                    case FORGED -> OTHER_SECRET.nodeProof(gatewayNonce, nonce, nodeId, hello.getGatewayId());
                    case MISSING -> new byte[0];
                };
                ctx.writeAndFlush(LinkFrame.newBuilder()
                        .setWelcome(Welcome.newBuilder().setNodeId(nodeId).setProof(ByteString.copyFrom(proof)))
                        .build());
            }
        }
    }
}
