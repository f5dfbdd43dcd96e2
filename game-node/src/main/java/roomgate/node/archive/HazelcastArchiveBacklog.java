package roomgate.node.archive;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.archive.ArchiveBacklog;
import roomgate.archive.ArchivedGame;
import roomgate.cluster.ClusterNames;
import roomgate.node.registry.RoomArchive;
import roomgate.node.replication.RecordOps;
import roomgate.protocol.store.v1.RoomRecord;

/**
 * The archive's backlog in the cluster: a map of finished room ids (to the epoch they finished at),
 * beside the rooms map that still holds their records, both with a synchronous backup. A room is
 * queued when it leaves a node's memory; each node archives the entries whose partitions it owns
 * (so after a node dies its entries are archived by the nodes that took its partitions), and
 * removes the record, then the entry, only after the row is committed. Both removals compare: a
 * record that changed since it was read (the room was joined and loaded again) stays, and is queued
 * again when it leaves memory again; the archive's idempotence makes that one row.
 *
 * <p>Bounded: once {@code limit} rooms wait (the database is down), no more are taken; finished
 * rooms then stay in their nodes' memory and are offered again later, and nothing is dropped.
 */
public final class HazelcastArchiveBacklog implements RoomArchive, ArchiveBacklog {
    private static final Logger log = LoggerFactory.getLogger(HazelcastArchiveBacklog.class);

    /** What the archiver needs to let a room go once written: the record it read and the queued epoch. */
    private record Token(String roomId, long epoch, byte[] record) {}

    private final IMap<String, byte[]> rooms;
    private final IMap<String, Long> queue;
    private final long limit;
    private volatile long waitingHere;
    private volatile long waitingInCluster;

    public HazelcastArchiveBacklog(HazelcastInstance hazelcast, long limit) {
        this.rooms = hazelcast.getMap(ClusterNames.ROOMS_MAP);
        this.queue = hazelcast.getMap(ClusterNames.ARCHIVE_QUEUE_MAP);
        this.limit = limit;
    }

    @Override
    public CompletionStage<Boolean> finished(String roomId, long epoch) {
        if (waitingInCluster >= limit) {
            return CompletableFuture.completedFuture(false);
        }
        CompletableFuture<Boolean> queued = new CompletableFuture<>();
        queue.setAsync(roomId, epoch).whenCompleteAsync((v, failure) -> {
            if (failure != null) {
                queued.completeExceptionally(failure);
            } else {
                queued.complete(true);
            }
        }, Runnable::run);
        return queued;
    }

    @Override
    public List<Entry> take(int max) {
        Set<String> local = queue.localKeySet();
        waitingHere = local.size();
        waitingInCluster = queue.size();
        Set<String> keys = new LinkedHashSet<>();
        for (String key : local) {
            if (keys.size() == max) {
                break;
            }
            keys.add(key);
        }
        if (keys.isEmpty()) {
            return List.of();
        }
        Map<String, Long> epochs = queue.getAll(keys);
        Map<String, byte[]> records = rooms.getAll(keys);
        List<Entry> entries = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (String roomId : keys) {
            Long epoch = epochs.get(roomId);
            byte[] bytes = records.get(roomId);
            if (epoch == null) {
                continue; // archived meanwhile
            }
            if (bytes == null) {
                log.warn("room {}: queued for the archive but its record is gone (expired); nothing to archive", roomId);
                queue.remove(roomId, epoch);
                continue;
            }
            RoomRecord record = RecordOps.parse(bytes);
            if (record.getEpoch() != epoch) {
                // Loaded again since it was queued: its node queues it again when it leaves memory.
                queue.remove(roomId, epoch);
                continue;
            }
            ArchivedGame game;
            try {
                game = RecordArchive.toGame(record, now);
            } catch (RuntimeException e) {
                log.error("room {}: record cannot be archived ({}); it stays in the cluster until it expires", roomId,
                        e.toString());
                queue.remove(roomId, epoch);
                continue;
            }
            entries.add(new Entry(game, new Token(roomId, epoch, bytes)));
        }
        return entries;
    }

    @Override
    public void archived(Entry entry) {
        Token token = (Token) entry.token();
        rooms.remove(token.roomId(), token.record());
        queue.remove(token.roomId(), token.epoch());
    }

    @Override
    public void refused(Entry entry, String reason) {
        Token token = (Token) entry.token();
        // Not retried: the same row would be refused again. Its record stays until it expires.
        queue.remove(token.roomId(), token.epoch());
    }

    /** Finished rooms waiting in this node's partitions (as of the archiver's last round). */
    @Override
    public long size() {
        return waitingHere;
    }

    /** Finished rooms waiting in the whole cluster (as of the archiver's last round). */
    public long sizeInCluster() {
        return waitingInCluster;
    }

    public long limit() {
        return limit;
    }
}
