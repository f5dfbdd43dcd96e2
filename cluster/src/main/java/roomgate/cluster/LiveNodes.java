package roomgate.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows Hazelcast membership and keeps the current {@link NodeView}. It starts from the member
 * list Hazelcast hands to {@link #init} and then applies events in order, so the view is never
 * missing a node that joined before the listener was added. Readers call {@link #current()} from any
 * thread, including Netty event loops: it is one volatile read.
 */
public final class LiveNodes implements InitialMembershipListener {
    private static final Logger log = LoggerFactory.getLogger(LiveNodes.class);

    private final List<Consumer<NodeView>> listeners = new CopyOnWriteArrayList<>();
    private volatile NodeView current = NodeView.empty();

    /** Starts following the cluster of {@code hazelcast}. */
    public static LiveNodes follow(HazelcastInstance hazelcast) {
        LiveNodes live = new LiveNodes();
        hazelcast.getCluster().addMembershipListener(live);
        return live;
    }

    public NodeView current() {
        return current;
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

    private synchronized void update(Set<Member> members) {
        List<NodeInfo> nodes = new ArrayList<>();
        for (Member member : members) {
            NodeInfo.of(member).ifPresent(nodes::add);
        }
        NodeView next = NodeView.of(current.version() + 1, nodes);
        current = next;
        log.info("live nodes: {}", next);
        for (Consumer<NodeView> listener : listeners) {
            listener.accept(next);
        }
    }
}
