package roomgate.gateway.routing;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;
import roomgate.runtime.net.Transport;

/**
 * One {@link Router} per event loop of the client-facing group, created at start-up. A session
 * uses the router of its own loop, so sessions, links and fan-out of a loop never cross threads.
 */
public final class RouterGroup {
    private final Map<EventExecutor, Router> routers = new IdentityHashMap<>();

    /** Routers whose links are TCP connections over {@code transport}, on the system clock. */
    public RouterGroup(
            EventLoopGroup group,
            LinkOptions options,
            Supplier<NodeView> view,
            Transport transport,
            GatewayMetrics metrics) {
        this(group, options, view, new SocketLinkConnector(transport), metrics, System::nanoTime);
    }

    /** Routers whose links {@code connector} opens, timing their retry windows on {@code nanoClock}. */
    public RouterGroup(
            EventLoopGroup group,
            LinkOptions options,
            Supplier<NodeView> view,
            LinkConnector connector,
            GatewayMetrics metrics,
            LongSupplier nanoClock) {
        // One for the gateway: a node unreachable from one loop is unreachable from all (see there).
        UnreachableNodes unreachable =
                new UnreachableNodes(view, nanoClock, this::nodeUnreachable, this::nodeReachable);
        for (EventExecutor executor : group) {
            routers.put(
                    executor,
                    new Router((EventLoop) executor, options, view, connector, metrics, nanoClock, unreachable));
        }
        viewChanged(view.get());
    }

    /**
     * A loop found {@code node} unreachable (on that loop's thread): every loop moves its rooms on it
     * now, each on its own thread; the loop that found it has already, and finds nothing left to do.
     */
    private void nodeUnreachable(NodeInfo node) {
        routers.forEach((loop, router) -> loop.execute(() -> router.onNodeUnreachable(node)));
    }

    /** A handshake ended {@code node}'s unreachable mark (on some loop's thread): every loop links to it again. */
    private void nodeReachable(NodeInfo node) {
        routers.forEach((loop, router) -> loop.execute(() -> router.onNodeReachable(node)));
    }

    /** Tells every router, on its own loop, that membership changed. Called on Hazelcast's thread. */
    public void viewChanged(NodeView view) {
        routers.forEach((loop, router) -> loop.execute(() -> router.onViewChanged(view)));
    }

    /**
     * Completes once every request the loops have sent to nodes is answered (or its node lost): what
     * a stopping gateway waits for before it closes its clients, so that none loses an answer.
     */
    public CompletableFuture<Void> requestsAnswered() {
        CompletableFuture<?>[] loops = new CompletableFuture<?>[routers.size()];
        int i = 0;
        for (Map.Entry<EventExecutor, Router> entry : routers.entrySet()) {
            CompletableFuture<Void> answered = new CompletableFuture<>();
            entry.getKey().execute(() -> entry.getValue().requestsAnswered().thenRun(() -> answered.complete(null)));
            loops[i++] = answered;
        }
        return CompletableFuture.allOf(loops);
    }

    public Router of(EventLoop loop) {
        Router router = routers.get(loop);
        if (router == null) {
            throw new IllegalStateException("no router for event loop " + loop + " (not of the client group?)");
        }
        return router;
    }
}
