package roomgate.cluster;

/** Names of the Hazelcast structures every roomgate process shares. */
public final class ClusterNames {
    /** Room id -> replicated room record (owner, epoch, events). Written by owners only. */
    public static final String ROOMS_MAP = "roomgate.rooms";
    /** Finished rooms waiting for the archive: room id -> the epoch it finished at (their records stay in ROOMS_MAP). */
    public static final String ARCHIVE_QUEUE_MAP = "roomgate.archive-queue";
    /** Node id -> NodeStatus (ACTIVE/DRAINING and stats the node publishes every second). */
    public static final String NODE_STATUS_MAP = "roomgate.node-status";
    /** Node id -> a command for that node from an operator ("DRAIN"), written by the admin API. */
    public static final String NODE_COMMANDS_MAP = "roomgate.node-commands";
    /** Connection id -> the gateway that spent it: resume tokens' single use (gateway HazelcastSpentConnections). */
    public static final String SPENT_RESUMES_MAP = "roomgate.spent-resumes";
    /** Split-brain protection for the rooms map: a minority side may not write. */
    public static final String ROOMS_QUORUM = "roomgate.rooms-quorum";

    private ClusterNames() {}
}
