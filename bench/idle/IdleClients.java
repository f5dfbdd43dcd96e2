import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import roomgate.client.RoomgateClient;
import roomgate.loadtest.net.Connections;

/**
 * Holds idle WebSocket connections open for bench/idle/run.sh: {@code count} to each gateway URL
 * (handshake done, no room, answering the gateway's pings as any client does), prints
 * {@code IDLE-READY} once all are open, and keeps them until it is stopped (SIGTERM from the script,
 * by pid). They are opened in equal steps over {@code spreadSeconds}, as clients arriving over time
 * would be, so that the gateway's per-connection timers (pings after a silence) are spread over its
 * ping interval rather than bunched. The load tester's own client code opens them. Run from source:
 * {@code java -cp loadtest/target/roomgate-loadtest.jar bench/idle/IdleClients.java COUNT SPREAD_SECONDS URL...}
 */
public final class IdleClients {
    private IdleClients() {}

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        int spreadSeconds = Math.max(1, Integer.parseInt(args[1]));
        List<String> urls = List.of(args).subList(2, args.length);
        List<Connections> groups = new ArrayList<>();
        for (int u = 0; u < urls.size(); u++) {
            // One client event loop per gateway.
            groups.add(new Connections(1, RoomgateClient.Encoding.BINARY));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> groups.forEach(Connections::close)));
        long start = System.nanoTime();
        int opened = 0;
        for (int step = 0; step < spreadSeconds; step++) {
            int upTo = (int) ((long) count * (step + 1) / spreadSeconds);
            int from = opened;
            for (int u = 0; u < urls.size(); u++) {
                String base = urls.get(u);
                groups.get(u).openAll(upTo - from, i -> URI.create(base + "?room=idle-" + (from + i)), i -> m -> {});
            }
            opened = upTo;
            long due = start + TimeUnit.SECONDS.toNanos(step + 1);
            long left = due - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
        }
        System.out.printf(
                "IDLE-READY %d connections to each of %d gateways in %.1f s%n",
                count, urls.size(), (System.nanoTime() - start) / 1e9);
        System.out.flush();
        new CountDownLatch(1).await(); // until SIGTERM
    }
}
