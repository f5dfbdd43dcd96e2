package roomgate.gateway.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roomgate.protocol.recording.v1.RecordEntry;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.recording.RecordingReader;

class FileTrafficRecorderTest {
    @TempDir
    Path dir;

    private static ClientMessage move(String room, String uci) {
        return ClientMessage.newBuilder()
                .setMove(ChessMove.newBuilder().setRoomId(room).setUci(uci))
                .build();
    }

    private static List<RecordEntry> entries(RecordingReader reader) throws IOException {
        List<RecordEntry> all = new ArrayList<>();
        for (RecordEntry e = reader.next(); e != null; e = reader.next()) {
            all.add(e);
        }
        return all;
    }

    @Test
    void recordsOnlyMatchingRoomsAndTheEndsOfSessionsThatWereRecorded() throws IOException {
        Path file = dir.resolve("rec.bin");
        FileTrafficRecorder recorder = FileTrafficRecorder.start(RoomPattern.parse("bench-*"), file, "gw-t");
        recorder.roomRequest(1, "bench-1", move("bench-1", "e2e4"));
        recorder.roomRequest(2, "other", move("other", "e2e4"));
        recorder.roomRequest(1, "bench-1", move("bench-1", "g1f3"));
        recorder.sessionEnded(2);
        recorder.sessionEnded(1);
        recorder.close();

        try (RecordingReader reader = RecordingReader.open(file)) {
            assertThat(reader.header().getGatewayId()).isEqualTo("gw-t");
            assertThat(reader.header().getRoomPattern()).isEqualTo("bench-*");
            List<RecordEntry> all = entries(reader);
            assertThat(all).hasSize(3);
            assertThat(all.subList(0, 2))
                    .extracting(e -> e.getMessage().getMove().getUci())
                    .containsExactly("e2e4", "g1f3");
            assertThat(all.subList(0, 2)).extracting(RecordEntry::getRoomId).containsOnly("bench-1");
            assertThat(all.get(2).hasSessionEnded()).isTrue();
            assertThat(all.get(2).getSessionId()).isEqualTo(1);
            assertThat(all).extracting(RecordEntry::getOffsetMicros).isSorted();
            assertThat(reader.end().getEntries()).isEqualTo(3);
            assertThat(reader.end().getDropped()).isZero();
        }
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfWaiting() throws IOException {
        Path file = dir.resolve("full.bin");
        // No writer yet, room for 2: the 3 others must be dropped at once, not block the caller.
        FileTrafficRecorder recorder = FileTrafficRecorder.unstarted(RoomPattern.parse("*"), file, "gw-t", 2);
        for (int i = 0; i < 5; i++) {
            recorder.roomRequest(7, "r", move("r", "m" + i));
        }
        assertThat(recorder.dropped()).isEqualTo(3);
        recorder.startWriter();
        recorder.close();

        try (RecordingReader reader = RecordingReader.open(file)) {
            assertThat(entries(reader))
                    .extracting(e -> e.getMessage().getMove().getUci())
                    .containsExactly("m0", "m1");
            assertThat(reader.end().getDropped()).isEqualTo(3);
        }
    }
}
