package roomgate.runtime.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.function.Function;

/**
 * The Netty transport a process uses: native epoll on Linux, io_uring where the kernel offers it, or
 * the JDK's NIO anywhere. Chosen once at start-up ({@code --transport}) so that servers and the
 * links they open share one kind of event loop.
 */
public enum Transport {
    EPOLL("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class),
    IO_URING("io_uring", IoUringServerSocketChannel.class, IoUringSocketChannel.class),
    NIO("nio", NioServerSocketChannel.class, NioSocketChannel.class);

    /** The flag that chooses it, on gateways and nodes. */
    public static final String FLAG = "transport";

    /** The flag's value that picks {@link #best()}. */
    public static final String AUTO = "auto";

    private final String flagValue;
    private final Class<? extends ServerChannel> serverChannel;
    private final Class<? extends SocketChannel> socketChannel;

    Transport(
            String flagValue,
            Class<? extends ServerChannel> serverChannel,
            Class<? extends SocketChannel> socketChannel) {
        this.flagValue = flagValue;
        this.serverChannel = serverChannel;
        this.socketChannel = socketChannel;
    }

    /**
     * Epoll when available, else NIO. Not io_uring: measured side by side (bench/syscalls/run.sh) it
     * makes fewer system calls per message than epoll but no fewer wake-ups, and no less CPU.
     */
    public static Transport best() {
        return select(AUTO, Transport::unavailabilityCause);
    }

    /**
     * The transport {@code --transport} names: {@code auto} ({@link #best()}), {@code epoll},
     * {@code io_uring} or {@code nio}.
     *
     * @throws IllegalArgumentException for another value, or a transport that cannot run here (with why)
     */
    public static Transport fromFlag(String value) {
        return select(value, Transport::unavailabilityCause);
    }

    /** {@link #fromFlag} with the question "why can this transport not run here?" answered by {@code unavailable}. */
    static Transport select(String value, Function<Transport, Throwable> unavailable) {
        if (AUTO.equals(value)) {
            return unavailable.apply(EPOLL) == null ? EPOLL : NIO;
        }
        for (Transport transport : values()) {
            if (transport.flagValue.equals(value)) {
                Throwable cause = unavailable.apply(transport);
                if (cause != null) {
                    throw new IllegalArgumentException("--" + FLAG + " " + value + ": not available here (" + cause
                            + "); auto and nio run everywhere");
                }
                return transport;
            }
        }
        throw new IllegalArgumentException("--" + FLAG + ": '" + value + "' (expected: auto, epoll, io_uring or nio)");
    }

    /** Why this transport cannot run here (its native library did not load, the kernel refuses it), or null. */
    public Throwable unavailabilityCause() {
        return switch (this) {
            case EPOLL -> Epoll.unavailabilityCause();
            case IO_URING -> IoUring.unavailabilityCause();
            case NIO -> null;
        };
    }

    /** What {@code --transport} calls it. */
    public String flagValue() {
        return flagValue;
    }

    public EventLoopGroup newGroup(int threads) {
        IoHandlerFactory factory = switch (this) {
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
        return new MultiThreadIoEventLoopGroup(threads, factory);
    }

    public Class<? extends ServerChannel> serverChannel() {
        return serverChannel;
    }

    public Class<? extends SocketChannel> socketChannel() {
        return socketChannel;
    }
}
