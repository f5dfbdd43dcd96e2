package roomgate.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.splitbrainprotection.HeartbeatAware;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionFunction;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The room records' split-brain protection: Hazelcast feeds it heartbeats and members, and asks it
 * (at the start of each operation, from a state it refreshes every heartbeat interval) whether the
 * {@link QuorumLease} holds. The store asks the same lease again when a write returns
 * ({@link #lease()}), since a write can outlast the lease it started under.
 */
public final class LeaseSplitBrainProtection
        implements SplitBrainProtectionFunction, HeartbeatAware, MembershipListener {
    private final QuorumLease lease;

    public LeaseSplitBrainProtection(QuorumLease lease) {
        this.lease = lease;
    }

    public QuorumLease lease() {
        return lease;
    }

    @Override
    public boolean apply(Collection<Member> members) {
        List<UUID> others = new ArrayList<>(members.size());
        for (Member member : members) {
            if (!member.localMember()) {
                others.add(member.getUuid());
            }
        }
        lease.members(others);
        return lease.holds();
    }

    @Override
    public void onHeartbeat(Member member, long timestamp) {
        // The local clock at receipt, not the sender's timestamp: no clock skew enters the lease.
        lease.heard(member.getUuid());
    }

    @Override
    public void memberAdded(MembershipEvent event) {
        lease.heard(event.getMember().getUuid());
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
        lease.forget(event.getMember().getUuid());
    }
}
