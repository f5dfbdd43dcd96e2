package roomgate.gateway.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import roomgate.gateway.metrics.GatewayMetrics.Refusal;

/**
 * Caps on open client connections, in total and per client address, checked when a connection is
 * accepted: a host that opens sockets by the thousand runs into its own cap before the gateway runs
 * out of file descriptors, and everyone else keeps theirs. Any event loop; a map update per accept
 * and per close.
 */
public final class ConnectionCaps {
    private final int maxTotal;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final ChannelFutureListener release = f -> release(f.channel());

    public ConnectionCaps(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /**
     * Counts {@code channel} in (until it closes) and returns null, or returns why it may not be
     * opened, counting nothing.
     */
    public Refusal admit(Channel channel) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return Refusal.CONNECTIONS_TOTAL;
        }
        InetAddress address = addressOf(channel.remoteAddress());
        if (address != null) {
            boolean[] admitted = {false};
            perAddress.compute(address, (a, open) -> {
                int count = open == null ? 0 : open;
                if (count >= maxPerAddress) {
                    return open;
                }
                admitted[0] = true;
                return count + 1;
            });
            if (!admitted[0]) {
                total.decrementAndGet();
                return Refusal.CONNECTIONS_PER_ADDRESS;
            }
        }
        channel.closeFuture().addListener(release);
        return null;
    }

    /** Counts a closed connection out; one listener for all (a lambda per connection would stay with it). */
    private void release(Channel channel) {
        total.decrementAndGet();
        // The address the channel had when admitted: Netty keeps it once it has been asked for.
        InetAddress address = addressOf(channel.remoteAddress());
        if (address != null) {
            perAddress.computeIfPresent(address, (a, open) -> open <= 1 ? null : open - 1);
        }
    }

    /** Open connections now, for tests. */
    public int open() {
        return total.get();
    }

    private static InetAddress addressOf(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
