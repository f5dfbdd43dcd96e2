package roomgate.archive;

import java.util.List;

/**
 * The finished rooms waiting to be archived, wherever they wait (on a node: in the cluster, next to
 * their records). The {@link Archiver} takes a batch, writes it, and only then tells the backlog
 * each room is {@link #archived}: a room leaves the backlog (and its record the cluster) after its
 * row is committed, never before.
 */
public interface ArchiveBacklog {

    /** A finished room to archive; {@code token} is the backlog's own (what to remove once written). */
    record Entry(ArchivedGame game, Object token) {}

    /** Up to {@code max} finished rooms, without removing them. Runs on the archiver's thread; may block. */
    List<Entry> take(int max);

    /** The room's row is committed (or was already there): it may leave the backlog and the cluster. */
    void archived(Entry entry);

    /** The database refused the room's row for good; it leaves the backlog, and the caller has logged it. */
    void refused(Entry entry, String reason);

    /** Rooms waiting now (as last known: cheap to read from any thread). */
    long size();
}
