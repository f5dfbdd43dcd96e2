package roomgate.gateway.routing;

import com.google.protobuf.ByteString;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import roomgate.placement.NodeInfo;
import roomgate.protocol.link.v1.Challenge;
import roomgate.protocol.link.v1.Hello;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.Rejoin;
import roomgate.protocol.link.v1.RejoinResult;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.link.v1.Welcome;
import roomgate.runtime.net.Transport;
import roomgate.wire.link.LinkAuth;
import roomgate.wire.link.LinkCodec;

/**
 * A node's end of gateway links over real channels (loopback TCP, or in-JVM local channels), for
 * tests of the gateway's production link connector: it speaks the link frames as a node does. Each
 * link opens with its challenge; a Hello whose proof fails closes the link, a good one is answered
 * with a Welcome whose proof {@link Welcoming} chooses; a join is seated (Joined reply), a rejoin
 * accepted. Everything received is recorded for the test to assert on. While {@link #cut} is set,
 * each new link is closed at once (and counted), as by a node that cannot be reached.
 */
final class LinkServerNode {
    /** What the node's Welcome carries as its proof. */
    enum Welcoming {
        /** The proof from the node's own secret: an honest node. */
        HONEST,
        /** A proof from another secret: an impostor at the node's address. */
        FORGED,
        /** None: an impostor, or a node with --link-auth none. */
        MISSING
    }

    private static final LinkAuth OTHER_SECRET =
            LinkAuth.withSecret("not-the-cluster-secret-but-32-bytes-long".getBytes(StandardCharsets.UTF_8));

    final String nodeId;
    private final LinkAuth auth;
    private final Welcoming welcoming;
    /** Every link, from its first moment. */
    final List<Channel> links = new CopyOnWriteArrayList<>();
    /** Every Hello, before its proof is checked. */
    final List<Hello> hellos = new CopyOnWriteArrayList<>();
    /** The links whose Hello proved the gateway holds the secret. */
    final List<Channel> authenticatedLinks = new CopyOnWriteArrayList<>();

    final List<SessionRequest> requests = new CopyOnWriteArrayList<>();
    final List<Rejoin> rejoins = new CopyOnWriteArrayList<>();
    /** Anything else but heartbeats. */
    final List<LinkFrame> otherFrames = new CopyOnWriteArrayList<>();

    private final Map<Long, Channel> linkOfSession = new ConcurrentHashMap<>();
    /** While set, the node closes every new link at once (a cut); counted in {@link #refused}. */
    volatile boolean cut;

    final AtomicInteger refused = new AtomicInteger();

    LinkServerNode(String nodeId, LinkAuth auth, Welcoming welcoming) {
        this.nodeId = nodeId;
        this.auth = auth;
        this.welcoming = welcoming;
    }

    /** The link that carried the last request of session {@code sessionId}. */
    Channel linkOf(long sessionId) {
        return linkOfSession.get(sessionId);
    }

    /** The pipeline of a link: the link codec and this node's handler. */
    ChannelInitializer<Channel> initializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                links.add(ch);
                LinkCodec.install(ch.pipeline());
                ch.pipeline().addLast(new Handler());
            }
        };
    }

    /** Listens on 127.0.0.1 (a port of the kernel's choosing) on {@code loops}; this node at that address. */
    NodeInfo listenOnLoopback(EventLoopGroup loops) throws InterruptedException {
        Channel server = new ServerBootstrap()
                .group(loops)
                .channel(Transport.NIO.serverChannel())
                .childHandler(initializer())
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        return new NodeInfo(
                nodeId, "127.0.0.1", port, 1, UUID.nameUUIDFromBytes(nodeId.getBytes(StandardCharsets.UTF_8)));
    }

    private final class Handler extends SimpleChannelInboundHandler<LinkFrame> {
        private final byte[] nonce = LinkAuth.newNonce();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (cut) {
                refused.incrementAndGet();
                ctx.close();
                return;
            }
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
                    SessionRequest request = frame.getRequest();
                    requests.add(request);
                    linkOfSession.put(request.getSessionId(), ctx.channel());
                    if (request.getMessage().hasJoin()) {
                        ctx.writeAndFlush(LinkFrame.newBuilder()
                                .setReply(RouterHarness.joinedReply(request, nodeId, 1))
                                .build());
                    }
                }
                case REJOIN -> {
                    rejoins.add(frame.getRejoin());
                    ctx.writeAndFlush(LinkFrame.newBuilder()
                            .setRejoinResult(RejoinResult.newBuilder()
                                    .setRoomId(frame.getRejoin().getRoomId())
                                    .setOk(true)
                                    .setOwnerNodeId(nodeId)
                                    .setEpoch(2)
                                    .setRejoin(frame.getRejoin()))
                            .build());
                }
                case HEARTBEAT -> {}
                default -> otherFrames.add(frame);
            }
        }

        /** The gateway's proof is checked as a node does, then the Welcome. */
        private void onHello(ChannelHandlerContext ctx, Hello hello) {
            hellos.add(hello);
            if (!auth.verify(
                    nonce, hello.getGatewayId(), nodeId, hello.getProof().toByteArray())) {
                ctx.close();
                return;
            }
            authenticatedLinks.add(ctx.channel());
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
