package roomgate.archive;

import java.util.ArrayList;
import java.util.List;

/** A backlog in a list, for tests of the archiver without a cluster. Used from one thread at a time. */
final class InMemoryBacklog implements ArchiveBacklog {
    final List<ArchivedGame> waiting;
    final List<ArchivedGame> archived = new ArrayList<>();
    final List<ArchivedGame> refused = new ArrayList<>();

    InMemoryBacklog(List<ArchivedGame> games) {
        this.waiting = new ArrayList<>(games);
    }

    @Override
    public synchronized List<Entry> take(int max) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < Math.min(max, waiting.size()); i++) {
            entries.add(new Entry(waiting.get(i), null));
        }
        return entries;
    }

    @Override
    public synchronized void archived(Entry entry) {
        waiting.remove(entry.game());
        archived.add(entry.game());
    }

    @Override
    public synchronized void refused(Entry entry, String reason) {
        waiting.remove(entry.game());
        refused.add(entry.game());
    }

    @Override
    public synchronized long size() {
        return waiting.size();
    }
}
