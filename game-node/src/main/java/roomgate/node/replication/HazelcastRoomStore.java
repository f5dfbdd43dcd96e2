package roomgate.node.replication;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import roomgate.cluster.ClusterNames;
import roomgate.protocol.link.v1.RoomRecord;
import roomgate.protocol.v1.ChatMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.RoomState;

/**
 * {@link RoomStore} on a Hazelcast map (one synchronous backup, split-brain protected; see
 * HazelcastSettings). Each write is an entry processor ({@link RecordWrites}), so the epoch check
 * and the write are one atomic step on the partition that owns the room, and the call completes
 * only once the backup has the change too. Records are protobuf bytes: no Java serialization of
 * room state.
 */
public final class HazelcastRoomStore implements RoomStore {
    private final IMap<String, byte[]> rooms;

    public HazelcastRoomStore(HazelcastInstance hazelcast) {
        this.rooms = hazelcast.getMap(ClusterNames.ROOMS_MAP);
    }

    /** Registers the writes' serialization; every game node's config needs it before it starts. */
    public static Config configure(Config config) {
        config.getSerializationConfig().addDataSerializableFactory(RecordWrites.FACTORY_ID, RecordWrites::create);
        return config;
    }

    @Override
    public CompletionStage<Claim> claim(String roomId, String nodeId, Set<String> liveNodeIds, GameType createAs) {
        return rooms.submitToKey(roomId, new RecordWrites.Claim(nodeId, liveNodeIds, createAs.getNumber(),
                UUID.randomUUID().toString())).thenApply(RecordOps::toClaim);
    }

    @Override
    public CompletionStage<Boolean> append(String roomId, long epoch, List<RoomEvent> events) {
        return rooms.submitToKey(roomId, new RecordWrites.Append(epoch, RecordOps.batchOf(events)));
    }

    @Override
    public CompletionStage<Boolean> snapshot(String roomId, long epoch, RoomState state, long sequence,
            List<ChatMessage> chat) {
        return rooms.submitToKey(roomId, new RecordWrites.Snapshot(epoch, state, sequence, chat));
    }

    @Override
    public CompletionStage<Boolean> transfer(String roomId, long epoch, String toNodeId) {
        return rooms.submitToKey(roomId, new RecordWrites.Transfer(epoch, toNodeId, UUID.randomUUID().toString()));
    }

    @Override
    public CompletionStage<RoomRecord> read(String roomId) {
        return rooms.getAsync(roomId).thenApply(bytes -> bytes == null ? null : RecordOps.parse(bytes));
    }
}
