package roomgate.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TransportTest {

    /** Availability as a machine would answer it: the transports in {@code missing} cannot load. */
    private static Transport select(String flag, Set<Transport> missing) {
        return Transport.select(
                flag, t -> missing.contains(t) ? new UnsatisfiedLinkError("no " + t.flagValue() + " here") : null);
    }

    @Test
    void autoIsEpollWhereItLoadsAndNioWhereItDoesNot() {
        assertThat(select("auto", EnumSet.noneOf(Transport.class))).isEqualTo(Transport.EPOLL);
        // io_uring is never picked by itself, even where epoll cannot load.
        assertThat(select("auto", EnumSet.of(Transport.EPOLL))).isEqualTo(Transport.NIO);
        assertThat(select("auto", EnumSet.of(Transport.EPOLL, Transport.IO_URING)))
                .isEqualTo(Transport.NIO);
    }

    @Test
    void eachNameChoosesItsTransport() {
        Set<Transport> none = EnumSet.noneOf(Transport.class);
        assertThat(select("epoll", none)).isEqualTo(Transport.EPOLL);
        assertThat(select("io_uring", none)).isEqualTo(Transport.IO_URING);
        assertThat(select("nio", none)).isEqualTo(Transport.NIO);
    }

    @Test
    void aNamedTransportThatCannotLoadStopsTheProcessWithWhy() {
        assertThatThrownBy(() -> select("io_uring", EnumSet.of(Transport.IO_URING)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--transport io_uring: not available here")
                .hasMessageContaining("no io_uring here");
        assertThatThrownBy(() -> select("epoll", EnumSet.of(Transport.EPOLL)))
                .hasMessageContaining("--transport epoll: not available here");
    }

    @Test
    void anUnknownNameIsRefused() {
        assertThatThrownBy(() -> Transport.fromFlag("kqueue"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--transport: 'kqueue' (expected: auto, epoll, io_uring or nio)");
        assertThatThrownBy(() -> Transport.fromFlag("EPOLL")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theChannelClassesAreTheTransportsOwn() {
        assertThat(Transport.EPOLL.serverChannel()).isEqualTo(EpollServerSocketChannel.class);
        assertThat(Transport.EPOLL.socketChannel()).isEqualTo(EpollSocketChannel.class);
        assertThat(Transport.IO_URING.serverChannel()).isEqualTo(IoUringServerSocketChannel.class);
        assertThat(Transport.IO_URING.socketChannel()).isEqualTo(IoUringSocketChannel.class);
        assertThat(Transport.NIO.serverChannel()).isEqualTo(NioServerSocketChannel.class);
        assertThat(Transport.NIO.socketChannel()).isEqualTo(NioSocketChannel.class);
    }

    /**
     * On this machine: a server listening through the transport accepts a connection dialled through
     * it, both ends are that transport's channels (a channel of one transport cannot even register
     * with another's event loop), and a byte goes through.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void serverAndClientRunOnTheChosenTransport(Transport transport) throws Exception {
        assumeThat(transport.unavailabilityCause())
                .as(transport + " cannot load on this machine")
                .isNull();
        assertThat(Transport.fromFlag(transport.flagValue())).isSameAs(transport);
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        CompletableFuture<String> echoed = new CompletableFuture<>();
        EventLoopGroup loops = transport.newGroup(1);
        try {
            Channel server = new ServerBootstrap()
                    .group(loops)
                    .channel(transport.serverChannel())
                    .childHandler(new Echo(accepted))
                    .bind("127.0.0.1", 0)
                    .sync()
                    .channel();
            Channel client = new Bootstrap()
                    .group(loops)
                    .channel(transport.socketChannel())
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ByteBuf buf = (ByteBuf) msg;
                                    echoed.complete(buf.toString(StandardCharsets.US_ASCII));
                                    buf.release();
                                }
                            });
                        }
                    })
                    .connect(server.localAddress())
                    .sync()
                    .channel();
            client.writeAndFlush(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII));

            assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo("x");
            assertThat(server).isInstanceOf(transport.serverChannel());
            assertThat(client).isInstanceOf(transport.socketChannel());
            Channel child = accepted.get(10, TimeUnit.SECONDS);
            assertThat(child).isInstanceOf(transport.socketChannel());
            assertThat(child.parent()).isSameAs(server);
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** Echoes what it reads, and reports each accepted connection. */
    private static final class Echo extends ChannelInitializer<Channel> {
        private final CompletableFuture<Channel> accepted;

        Echo(CompletableFuture<Channel> accepted) {
            this.accepted = accepted;
        }

        @Override
        protected void initChannel(Channel ch) {
            accepted.complete(ch);
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ctx.writeAndFlush(msg);
                }
            });
        }
    }
}
