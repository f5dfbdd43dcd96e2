package roomgate.systemtest;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import roomgate.protocol.admin.v1.HostedRoom;
import roomgate.protocol.admin.v1.HostedRooms;

/**
 * What fencing saw during a fault: which nodes held the test's rooms, and the writes the store
 * refused. Every 250 ms it asks every node that answers for {@code GET /rooms} (each room it holds,
 * with the epoch it took it at). Per observation it counts a room held by two nodes at one epoch,
 * which would be two owners (never allowed: each owner takes a new epoch), and a room held by two
 * nodes at different epochs, where the older copy is stale (fenced: its writes are refused; a node
 * that was cut off holds such copies until it learns it lost them, and a draining node until the
 * handoff ends). A node that does not answer within 300 ms (killed, or paused) is left out of that
 * observation. The writes refused come from the nodes' own counters, before and after.
 */
final class FenceWatch implements AutoCloseable {
    /**
     * Two owners at one epoch would last (neither is fenced), so a coarse poll finds them; a finer
     * one costs the saturated machine CPU in the very window a fault test measures.
     */
    private static final long POLL_MILLIS = 250;

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final LocalCluster cluster;
    private final Set<String> roomIds;
    private final Thread thread;
    private volatile boolean running = true;
    /** Why the watch stopped early, if it did: the test fails rather than trust a partial watch. */
    private volatile RuntimeException failure;

    private int observations;
    private int duplicateOwners;
    private int staleCopies;
    private final List<String> duplicates = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();
    /** node -> {stale, error} store writes refused so far, as each node counts them. */
    private final Map<String, double[]> writesBefore;

    FenceWatch(LocalCluster cluster, Set<String> roomIds) throws Exception {
        this.cluster = cluster;
        this.roomIds = Set.copyOf(roomIds);
        this.writesBefore = refusedWrites();
        this.thread = new Thread(this::run, "fence-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                observe();
            } catch (RuntimeException e) {
                failure = e;
                return;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void observe() {
        Map<String, CompletableFuture<HttpResponse<String>>> asked = new HashMap<>();
        metricsNow()
                .forEach((nodeId, metrics) -> asked.put(
                        nodeId,
                        HTTP.sendAsync(
                                cluster.withAdminToken(HttpRequest.newBuilder(metrics.resolve("/rooms")))
                                        .timeout(Duration.ofMillis(300))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())));
        // room -> epoch -> the nodes holding it at that epoch
        Map<String, Map<Long, List<String>>> held = new HashMap<>();
        asked.forEach((nodeId, answer) -> {
            try {
                HttpResponse<String> response = answer.get(1, TimeUnit.SECONDS);
                if (response.statusCode() != 200) {
                    return;
                }
                HostedRooms.Builder rooms = HostedRooms.newBuilder();
                JsonFormat.parser().merge(response.body(), rooms);
                for (HostedRoom room : rooms.getRoomsList()) {
                    if (roomIds.contains(room.getRoomId())) {
                        held.computeIfAbsent(room.getRoomId(), r -> new HashMap<>())
                                .computeIfAbsent(room.getEpoch(), e -> new ArrayList<>())
                                .add(nodeId);
                    }
                }
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("bad /rooms page from " + nodeId, e);
            } catch (TimeoutException e) {
                // No answer in time: a paused node, out of this observation.
            } catch (ExecutionException e) {
                // Refused or timed out on the way: a killed or paused node, out of this observation.
                // Anything else is the watch failing, and fails the test (checkFencing).
                if (!(e.getCause() instanceof IOException)) {
                    throw new IllegalStateException("GET /rooms of " + nodeId, e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // closing: run() returns at its next sleep
            }
        });
        synchronized (this) {
            observations++;
            seen.addAll(held.keySet());
            held.forEach((roomId, byEpoch) -> {
                byEpoch.forEach((epoch, nodes) -> {
                    if (nodes.size() > 1) {
                        duplicateOwners++;
                        duplicates.add(roomId + " at epoch " + epoch + " on " + nodes);
                    }
                });
                if (byEpoch.size() > 1) {
                    staleCopies++;
                }
            });
        }
    }

    RuntimeException failure() {
        return failure;
    }

    int watched() {
        return roomIds.size();
    }

    /** The watched rooms some node was seen holding. */
    synchronized Set<String> seen() {
        return Set.copyOf(seen);
    }

    synchronized List<String> duplicates() {
        return List.copyOf(duplicates);
    }

    /**
     * What the watch saw, for a test's printed figures; the writes refused are counted by the nodes
     * alive now (a killed node's count goes with it).
     */
    synchronized String summary() throws Exception {
        double stale = 0;
        double failed = 0;
        for (Map.Entry<String, double[]> now : refusedWrites().entrySet()) {
            double[] before = writesBefore.getOrDefault(now.getKey(), new double[2]);
            stale += now.getValue()[0] - before[0];
            failed += now.getValue()[1] - before[1];
        }
        return String.format(
                "fencing: %d observations of every node's rooms, duplicate owners seen %d (a room on two nodes"
                        + " at one epoch), stale copies seen %d (a room on two nodes, the older epoch fenced); stale writes refused %.0f,"
                        + " writes failed %.0f (no quorum or no answer)",
                observations, duplicateOwners, staleCopies, stale, failed);
    }

    /** Per live node: its appends, snapshots and transfers refused as stale (another epoch owns the room), and failed. */
    private Map<String, double[]> refusedWrites() throws Exception {
        Map<String, double[]> counts = new HashMap<>();
        for (Map.Entry<String, URI> node : metricsNow().entrySet()) {
            Metrics metrics = Metrics.scrape(HTTP, node.getValue());
            double[] c = new double[2];
            for (String write : List.of("append", "snapshot", "transfer")) {
                c[0] += metrics.value("roomgate_replication_" + write + "_seconds_count", "result", "stale");
                c[1] += metrics.value("roomgate_replication_" + write + "_seconds_count", "result", "error");
            }
            counts.put(node.getKey(), c);
        }
        return counts;
    }

    /** node -> its /metrics URI, for the nodes that run now (one still starting has no metrics port yet). */
    private Map<String, URI> metricsNow() {
        Map<String, URI> now = new HashMap<>();
        cluster.nodes().forEach((nodeId, process) -> {
            if (process.isAlive() && process.readyFields().containsKey("metrics-port")) {
                now.put(nodeId, cluster.nodeMetrics(nodeId));
            }
        });
        return now;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
