package roomgate.loadtest.net;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import roomgate.client.RoomgateClient;
import roomgate.client.RoomgateClient.Encoding;
import roomgate.protocol.v1.ServerMessage;
import roomgate.runtime.net.Transport;

/**
 * The load tester's client connections: one Netty event-loop group shared by all of them, each
 * client opened without keeping messages (they go to a listener as they arrive, so memory stays
 * flat), and everything closed together at the end.
 */
public final class Connections implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    /** Handshakes in flight at once while opening many clients. */
    private static final int CONNECTING_THREADS = 8;

    private final Transport transport = Transport.best();
    private final EventLoopGroup group;
    private final Encoding encoding;
    private final List<RoomgateClient> open = new ArrayList<>();

    public Connections(int ioThreads, Encoding encoding) {
        this.group = transport.newGroup(ioThreads);
        this.encoding = encoding;
    }

    /** Opens one client; its messages go to {@code listener} on an event loop. */
    public RoomgateClient open(URI uri, Consumer<ServerMessage> listener)
            throws IOException, InterruptedException, TimeoutException {
        RoomgateClient client = RoomgateClient.connect(
                group,
                transport.socketChannel(),
                uri,
                encoding,
                RoomgateClient.Options.defaults()
                        .withTimeout(CONNECT_TIMEOUT)
                        .withKeepMessages(false)
                        .withListener(listener));
        synchronized (open) {
            open.add(client);
        }
        return client;
    }

    /** Opens {@code count} clients, several handshakes at a time; client i gets {@code uri.apply(i)} and {@code listener.apply(i)}. */
    public List<RoomgateClient> openAll(int count, IntFunction<URI> uri, IntFunction<Consumer<ServerMessage>> listener)
            throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTING_THREADS);
        try {
            List<CompletableFuture<RoomgateClient>> futures = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return open(uri.apply(index), listener.apply(index));
                            } catch (IOException | TimeoutException e) {
                                throw new CompletionException(e);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new CompletionException(e);
                            }
                        },
                        pool));
            }
            List<RoomgateClient> clients = new ArrayList<>(count);
            for (CompletableFuture<RoomgateClient> f : futures) {
                try {
                    clients.add(f.join());
                } catch (CompletionException e) {
                    throw new IOException(
                            "opening client " + clients.size() + " of " + count + " failed: "
                                    + e.getCause().getMessage(),
                            e.getCause());
                }
            }
            return clients;
        } finally {
            pool.shutdownNow();
        }
    }

    public int size() {
        synchronized (open) {
            return open.size();
        }
    }

    /** Closes every connection without waiting for closing handshakes, then stops the event loops. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
