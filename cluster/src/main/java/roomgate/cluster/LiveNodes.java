package roomgate.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.placement.NodeInfo;
import roomgate.placement.NodeView;
import roomgate.protocol.admin.v1.NodeState;
import roomgate.protocol.admin.v1.NodeStatus;

/**
 * Follows Hazelcast membership and the nodes' published status, and keeps the current
 * {@link NodeView}. It starts from the member list Hazelcast hands to {@link #init} and then
 * applies events in order, so the view is never missing a node that joined before the listener was
 * added. A node enters the view when it is a member and that very member has published its status
 * (so it is ready to serve). A status names the member UUID that wrote it, so the status a killed
 * node left behind does not make its restarted process routable, and the one a node wrote before
 * a split does not make it routable when it rejoins (Hazelcast gives it a new UUID): it is routed
 * to once it can write again, and by then it knows the cluster's members, from which its claims
 * judge whether a room's owner is alive. A node that publishes DRAINING stays in the view (it
 * still serves its rooms) but gets no new rooms. Readers call {@link #current()} from any thread,
 * including Netty event loops: it is one volatile read.
 */
public final class LiveNodes implements InitialMembershipListener {
    private static final Logger log = LoggerFactory.getLogger(LiveNodes.class);

    private final Cluster cluster;
    private final List<Consumer<NodeView>> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, NodeStatus> statuses = new ConcurrentHashMap<>();
    private Set<Member> members = Set.of();
    private volatile NodeView current = NodeView.empty();

    private LiveNodes(Cluster cluster) {
        this.cluster = cluster;
    }

    /** Starts following the cluster of {@code hazelcast}: membership and node status. */
    public static LiveNodes follow(HazelcastInstance hazelcast) {
        LiveNodes live = new LiveNodes(hazelcast.getCluster());
        IMap<String, byte[]> status = hazelcast.getMap(ClusterNames.NODE_STATUS_MAP);
        status.addEntryListener(live.new StatusListener(), true);
        status.forEach((id, bytes) -> live.statuses.put(id, parse(bytes)));
        hazelcast.getCluster().addMembershipListener(live);
        return live;
    }

    public NodeView current() {
        return current;
    }

    /**
     * The ids of the game nodes that are cluster members now, whether or not they have published a
     * status: read from Hazelcast's member list on each call, not from the view. The view is built
     * from events and lags the member list, most after this member rejoins from a split (statuses
     * arrive one by one); gateways, whose view has this node again, may reach it before that.
     */
    public Set<String> memberNodeIds() {
        Set<String> ids = new HashSet<>();
        for (Member member : cluster.getMembers()) {
            NodeAttributes.nodeOf(member).ifPresent(n -> ids.add(n.nodeId()));
        }
        return ids;
    }

    /** The latest status each node published (state and stats); may lag the view by a second. */
    public Map<String, NodeStatus> statuses() {
        return Map.copyOf(statuses);
    }

    /**
     * Calls {@code listener} on every new view, on Hazelcast's event thread: listeners must be quick
     * and must not block (hand work to another executor).
     */
    public void onChange(Consumer<NodeView> listener) {
        listeners.add(listener);
    }

    @Override
    public void init(InitialMembershipEvent event) {
        update(event.getMembers());
    }

    @Override
    public void memberAdded(MembershipEvent event) {
        update(event.getMembers());
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
        update(event.getMembers());
    }

    private synchronized void update(Set<Member> latest) {
        members = latest;
        List<NodeInfo> nodes = new ArrayList<>();
        for (Member member : latest) {
            // A node is routed to once this member has published its status: by then it serves.
            NodeAttributes.nodeOf(member).filter(this::publishedByItself).ifPresent(nodes::add);
        }
        Set<String> draining = new HashSet<>();
        statuses.forEach((id, s) -> {
            if (s.getState() == NodeState.DRAINING) {
                draining.add(id);
            }
        });
        NodeView next = NodeView.of(current.version() + 1, nodes, draining);
        current = next;
        log.info("live nodes: {}", next);
        for (Consumer<NodeView> listener : listeners) {
            listener.accept(next);
        }
    }

    private boolean publishedByItself(NodeInfo node) {
        NodeStatus status = statuses.get(node.nodeId());
        return status != null && status.getMemberUuid().equals(node.memberUuid().toString());
    }

    private void onStatus(String nodeId, NodeStatus status) {
        NodeStatus before = status == null ? statuses.remove(nodeId) : statuses.put(nodeId, status);
        if (!sameStateAndMember(before, status)) {
            synchronized (this) {
                update(members);
            }
        }
    }

    /** Whether a new status can change the view: its state and its writer can, its stats cannot. */
    private static boolean sameStateAndMember(NodeStatus a, NodeStatus b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.getState() == b.getState() && a.getMemberUuid().equals(b.getMemberUuid());
    }

    private static NodeStatus parse(byte[] bytes) {
        try {
            return NodeStatus.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("bad NodeStatus in " + ClusterNames.NODE_STATUS_MAP, e);
        }
    }

    private final class StatusListener
            implements EntryAddedListener<String, byte[]>,
                    EntryUpdatedListener<String, byte[]>,
                    EntryRemovedListener<String, byte[]> {
        @Override
        public void entryAdded(EntryEvent<String, byte[]> event) {
            onStatus(event.getKey(), parse(event.getValue()));
        }

        @Override
        public void entryUpdated(EntryEvent<String, byte[]> event) {
            onStatus(event.getKey(), parse(event.getValue()));
        }

        @Override
        public void entryRemoved(EntryEvent<String, byte[]> event) {
            onStatus(event.getKey(), null);
        }
    }
}
