package roomgate.loadtest.replay;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import roomgate.protocol.recording.v1.RecordEntry;
import roomgate.protocol.recording.v1.RecordingHeader;
import roomgate.recording.RecordingReader;

/**
 * The traffic of one or more recording files, on one timeline: every entry with its client (file
 * and session), room and time from the start of the earliest file; the rooms in order of first
 * appearance; each client's entries in order. Files of several gateways line up by their headers'
 * wall-clock start. Warnings say when a file was cut short or its gateway dropped entries.
 */
public final class RecordedTraffic {
    /** A recorded client: the session {@code sessionId} of the gateway that wrote file {@code file}. */
    public record ClientKey(int file, long sessionId) {
        @Override
        public String toString() {
            return file + ":" + sessionId;
        }
    }

    /** One entry on the common timeline; {@code index} is its place in {@link #entries()}. */
    public record Entry(int index, long offsetMicros, ClientKey client, RecordEntry record) {}

    private final List<Entry> entries;
    private final Set<String> rooms;
    private final Map<ClientKey, List<Entry>> byClient;
    private final List<String> warnings;
    private final List<RecordingHeader> headers;

    private RecordedTraffic(
            List<Entry> entries,
            Set<String> rooms,
            Map<ClientKey, List<Entry>> byClient,
            List<String> warnings,
            List<RecordingHeader> headers) {
        this.entries = entries;
        this.rooms = rooms;
        this.byClient = byClient;
        this.warnings = warnings;
        this.headers = headers;
    }

    /**
     * Reads every file in full.
     *
     * @throws roomgate.recording.RecordingFormatException if a file is not a recording this reader reads
     */
    public static RecordedTraffic read(List<Path> files) throws IOException {
        List<RecordingHeader> headers = new ArrayList<>();
        List<List<RecordEntry>> perFile = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Path file : files) {
            try (RecordingReader reader = RecordingReader.open(file)) {
                headers.add(reader.header());
                List<RecordEntry> list = new ArrayList<>();
                for (RecordEntry e = reader.next(); e != null; e = reader.next()) {
                    list.add(e);
                }
                perFile.add(list);
                if (reader.truncated()) {
                    warnings.add(file + ": cut short (no end record); replaying its " + list.size() + " whole entries");
                } else if (reader.end().getDropped() > 0) {
                    warnings.add(file + ": the gateway dropped " + reader.end().getDropped()
                            + " entries (recorder queue full); rooms may not replay to the recorded state");
                }
            }
        }
        long earliest = headers.stream()
                .mapToLong(RecordingHeader::getStartedAtUnixMs)
                .min()
                .orElse(0);
        List<Entry> unordered = new ArrayList<>();
        for (int f = 0; f < perFile.size(); f++) {
            long shift = (headers.get(f).getStartedAtUnixMs() - earliest) * 1_000;
            for (RecordEntry e : perFile.get(f)) {
                unordered.add(new Entry(-1, shift + e.getOffsetMicros(), new ClientKey(f, e.getSessionId()), e));
            }
        }
        // Stable: entries of one file keep their written order at equal times.
        unordered.sort(Comparator.comparingLong(Entry::offsetMicros));
        List<Entry> entries = new ArrayList<>(unordered.size());
        for (Entry e : unordered) {
            entries.add(new Entry(entries.size(), e.offsetMicros(), e.client(), e.record()));
        }
        Set<String> rooms = new LinkedHashSet<>();
        Map<ClientKey, List<Entry>> byClient = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (!e.record().getRoomId().isEmpty()) {
                rooms.add(e.record().getRoomId());
            }
            byClient.computeIfAbsent(e.client(), c -> new ArrayList<>()).add(e);
        }
        return new RecordedTraffic(List.copyOf(entries), rooms, byClient, warnings, headers);
    }

    public List<Entry> entries() {
        return entries;
    }

    public Set<String> rooms() {
        return rooms;
    }

    public Map<ClientKey, List<Entry>> byClient() {
        return byClient;
    }

    public List<String> warnings() {
        return warnings;
    }

    public List<RecordingHeader> headers() {
        return headers;
    }

    /** Time of the last entry, from the start of the earliest file. */
    public long durationMicros() {
        return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).offsetMicros();
    }
}
