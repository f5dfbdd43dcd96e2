package roomgate.gateway.routing;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import roomgate.placement.NodeInfo;

/**
 * How a router's link reaches its node: the one place routing touches the network. Production
 * connects sockets ({@link SocketLinkConnector}); a test hands back an embedded channel it then
 * drives frame by frame, so the router can be tested without a node or a port.
 */
@FunctionalInterface
public interface LinkConnector {
    /**
     * Starts connecting a channel to {@code node} on {@code loop} and adds {@code handler} (which
     * installs the link framing and the link itself) to its pipeline. The returned future's channel
     * is the link's; it completes when the channel is connected, or fails if it cannot be.
     */
    ChannelFuture connect(EventLoop loop, NodeInfo node, ChannelHandler handler);
}
