package roomgate.node.archive;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
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
 * queued when it leaves a node's memory (the epoch); as soon as its game's end is stored, it is
 * marked as finished but still held (minus the epoch), so that if its node dies before it leaves
 * memory, the entry is archived anyway once that node is no longer a member. Each node archives
 * the entries whose partitions it owns
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
    private final Supplier<Set<String>> liveNodeIds;
    private volatile long waitingHere;
    private volatile long waitingInCluster;

    /** @param liveNodeIds the game nodes that are cluster members now: a held room's owner among them still has it */
    public HazelcastArchiveBacklog(HazelcastInstance hazelcast, long limit, Supplier<Set<String>> liveNodeIds) {
        this.rooms = hazelcast.getMap(ClusterNames.ROOMS_MAP);
        this.queue = hazelcast.getMap(ClusterNames.ARCHIVE_QUEUE_MAP);
        this.limit = limit;
        this.liveNodeIds = liveNodeIds;
    }

    @Override
    public CompletionStage<Void> finishing(String roomId, long epoch) {
        CompletableFuture<Void> told = new CompletableFuture<>();
        queue.setAsync(roomId, -epoch)
                .whenCompleteAsync(
                        (v, failure) -> {
                            if (failure != null) {
                                // Only the safety net for a crash before the room leaves memory is missing: it is
                                // queued then.
                                log.warn(
                                        "room {}: could not mark it finished in the archive's backlog ({})",
                                        roomId,
                                        failure.toString());
                            }
                            told.complete(null);
                        },
                        Runnable::run);
        return told;
    }

    @Override
    public CompletionStage<Boolean> finished(String roomId, long epoch) {
        if (waitingInCluster >= limit) {
            return CompletableFuture.completedFuture(false);
        }
        CompletableFuture<Boolean> queued = new CompletableFuture<>();
        queue.setAsync(roomId, epoch)
                .whenCompleteAsync(
                        (v, failure) -> {
                            if (failure != null) {
                                queued.completeExceptionally(failure);
                            } else {
                                queued.complete(true);
                            }
                        },
                        Runnable::run);
        return queued;
    }

    @Override
    public List<Entry> take(int max) {
        Set<String> ready = queue.localKeySet(Predicates.greaterThan("this", 0L));
        Set<String> held = queue.localKeySet(Predicates.lessThan("this", 0L));
        waitingHere = ready.size() + held.size();
        waitingInCluster = queue.size();
        Set<String> keys = new LinkedHashSet<>();
        first(ready, max, keys);
        first(held, max, keys);
        if (keys.isEmpty()) {
            return List.of();
        }
        Map<String, Long> queued = queue.getAll(keys);
        Map<String, byte[]> records = rooms.getAll(keys);
        Set<String> live = held.isEmpty() ? Set.of() : liveNodeIds.get();
        List<Entry> entries = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (String roomId : keys) {
            Long value = queued.get(roomId);
            byte[] bytes = records.get(roomId);
            if (value == null || entries.size() == max) {
                continue; // archived meanwhile, or enough for one batch
            }
            if (bytes == null) {
                log.warn(
                        "room {}: queued for the archive but its record is gone (expired); nothing to archive", roomId);
                queue.remove(roomId, value);
                continue;
            }
            RoomRecord record = RecordOps.parse(bytes);
            if (value > 0 && record.getEpoch() != value) {
                // Loaded again since it was queued: its node queues it again when it leaves memory.
                queue.remove(roomId, value);
                continue;
            }
            if (value < 0 && live.contains(record.getOwnerNodeId())) {
                continue; // still in its owner's memory, joinable: it is queued when it leaves
            }
            ArchivedGame game;
            try {
                game = RecordArchive.toGame(record, now);
            } catch (RuntimeException e) {
                log.error(
                        "room {}: record cannot be archived ({}); it stays in the cluster until it expires",
                        roomId,
                        e.toString());
                queue.remove(roomId, value);
                continue;
            }
            if (value < 0 && "UNFINISHED".equals(game.termination())) {
                // Its node died before the game's end was stored: as far as the cluster knows it goes on.
                queue.remove(roomId, value);
                continue;
            }
            entries.add(new Entry(game, new Token(roomId, value, bytes)));
        }
        return entries;
    }

    private static void first(Set<String> from, int max, Set<String> into) {
        int n = 0;
        for (String key : from) {
            if (n++ == max) {
                return;
            }
            into.add(key);
        }
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
