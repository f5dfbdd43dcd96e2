package roomgate.node.operations;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.cluster.ClusterNames;
import roomgate.node.registry.RoomRegistry;

/**
 * Drains this node: on an operator's command (the admin API writes "DRAIN" under this node's id) or
 * on SIGTERM. Draining means taking no new rooms and handing every live room to its successor while
 * its clients stay connected. Runs at most once.
 */
public final class DrainCommands {
    public static final String DRAIN = "DRAIN";
    private static final Logger log = LoggerFactory.getLogger(DrainCommands.class);

    private final RoomRegistry registry;
    private final NodeStatusPublisher status;
    private final AtomicReference<CompletableFuture<Void>> drained = new AtomicReference<>();

    public DrainCommands(RoomRegistry registry, NodeStatusPublisher status) {
        this.registry = registry;
        this.status = status;
    }

    /** Listens for operator commands addressed to {@code nodeId}. */
    public void listen(HazelcastInstance hazelcast, String nodeId) {
        IMap<String, String> commands = hazelcast.getMap(ClusterNames.NODE_COMMANDS_MAP);
        commands.addEntryListener(new Listener(), nodeId, true);
        if (DRAIN.equals(commands.get(nodeId))) {
            drain();
        }
    }

    /** Starts draining (once) and returns when every room that could move has moved. */
    public CompletableFuture<Void> drain() {
        CompletableFuture<Void> started = new CompletableFuture<>();
        if (!drained.compareAndSet(null, started)) {
            return drained.get();
        }
        long begin = System.nanoTime();
        log.info("draining: no new rooms; handing {} rooms to their successors", registry.roomCount());
        registry.drain().whenComplete((v, e) -> {
            log.info("drained in {} ms; {} rooms left", (System.nanoTime() - begin) / 1_000_000, registry.roomCount());
            status.publishNow();
            started.complete(null);
        });
        status.publishNow();
        return started;
    }

    private final class Listener implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String> {
        @Override
        public void entryAdded(EntryEvent<String, String> event) {
            onCommand(event.getValue());
        }

        @Override
        public void entryUpdated(EntryEvent<String, String> event) {
            onCommand(event.getValue());
        }

        private void onCommand(String command) {
            if (DRAIN.equals(command)) {
                drain();
            }
        }
    }
}
