package roomgate.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import roomgate.protocol.recording.v1.RecordEntry;
import roomgate.protocol.recording.v1.RecordingHeader;
import roomgate.protocol.recording.v1.SessionEnded;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;

class RecordingFormatTest {

    private static RecordEntry message(long micros, long session, String room, ClientMessage message) {
        return RecordEntry.newBuilder()
                .setOffsetMicros(micros)
                .setSessionId(session)
                .setRoomId(room)
                .setMessage(message)
                .build();
    }

    private static final List<RecordEntry> ENTRIES = List.of(
            message(
                    10,
                    1,
                    "r1",
                    ClientMessage.newBuilder()
                            .setRequestId("1")
                            .setJoin(JoinRoom.newBuilder().setRoomId("r1").setGameType(GameType.CHESS))
                            .build()),
            message(
                    250,
                    1,
                    "r1",
                    ClientMessage.newBuilder()
                            .setMove(ChessMove.newBuilder().setRoomId("r1").setUci("e2e4"))
                            .build()),
            RecordEntry.newBuilder()
                    .setOffsetMicros(900)
                    .setSessionId(1)
                    .setSessionEnded(SessionEnded.getDefaultInstance())
                    .build());

    private static byte[] write(RecordingHeader header, List<RecordEntry> entries, long dropped) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RecordingWriter writer = new RecordingWriter(bytes, header);
        for (RecordEntry e : entries) {
            writer.write(e);
        }
        writer.close(dropped);
        return bytes.toByteArray();
    }

    private static List<RecordEntry> readAll(RecordingReader reader) throws IOException {
        List<RecordEntry> read = new ArrayList<>();
        for (RecordEntry e = reader.next(); e != null; e = reader.next()) {
            read.add(e);
        }
        return read;
    }

    @Test
    void entriesComeBackInOrderWithHeaderAndEndCounts() throws IOException {
        byte[] file = write(RecordingFormat.header("gw-7", 1234L, "glob:r*"), ENTRIES, 3);

        RecordingReader reader = new RecordingReader(new ByteArrayInputStream(file), "test");
        assertThat(reader.header().getGatewayId()).isEqualTo("gw-7");
        assertThat(reader.header().getStartedAtUnixMs()).isEqualTo(1234L);
        assertThat(reader.header().getRoomPattern()).isEqualTo("glob:r*");
        assertThat(readAll(reader)).containsExactlyElementsOf(ENTRIES);
        assertThat(reader.truncated()).isFalse();
        assertThat(reader.end().getEntries()).isEqualTo(3);
        assertThat(reader.end().getDropped()).isEqualTo(3);
    }

    @Test
    void aNewerVersionIsRefusedNamingBothVersions() throws IOException {
        RecordingHeader newer = RecordingFormat.header("gw", 0, "x").toBuilder()
                .setVersion(RecordingFormat.VERSION + 1)
                .build();
        byte[] file = write(newer, ENTRIES, 0);

        assertThatThrownBy(() -> new RecordingReader(new ByteArrayInputStream(file), "f.rgrec"))
                .isInstanceOf(RecordingFormatException.class)
                .hasMessageContaining("f.rgrec")
                .hasMessageContaining("version " + (RecordingFormat.VERSION + 1))
                .hasMessageContaining("newer");
    }

    @Test
    void versionZeroAndOtherFormatsAreRefused() throws IOException {
        byte[] zero = write(
                RecordingFormat.header("gw", 0, "x").toBuilder().setVersion(0).build(), ENTRIES, 0);
        assertThatThrownBy(() -> new RecordingReader(new ByteArrayInputStream(zero), "z"))
                .isInstanceOf(RecordingFormatException.class)
                .hasMessageContaining("version 0");

        byte[] other = write(
                RecordingFormat.header("gw", 0, "x").toBuilder()
                        .setFormat("pcap")
                        .build(),
                ENTRIES,
                0);
        assertThatThrownBy(() -> new RecordingReader(new ByteArrayInputStream(other), "o"))
                .isInstanceOf(RecordingFormatException.class)
                .hasMessageContaining("not a roomgate recording");

        byte[] text = "hello, I am a text file\n".getBytes();
        assertThatThrownBy(() -> new RecordingReader(new ByteArrayInputStream(text), "t"))
                .isInstanceOf(RecordingFormatException.class)
                .hasMessageContaining("not a roomgate recording");
        assertThatThrownBy(() -> new RecordingReader(new ByteArrayInputStream(new byte[0]), "e"))
                .isInstanceOf(RecordingFormatException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void aFileCutShortYieldsItsWholeRecordsAndSaysItIsTruncated() throws IOException {
        byte[] full = write(RecordingFormat.header("gw", 0, "x"), ENTRIES, 0);
        // Drop the end record and half of the last entry, as a kill -9 mid-write would.
        int endRecord = RecordEntry.newBuilder()
                        .setEnd(roomgate.protocol.recording.v1.RecordingEnd.newBuilder()
                                .setEntries(3))
                        .build()
                        .getSerializedSize()
                + 1;
        byte[] cut = Arrays.copyOf(full, full.length - endRecord - 3);

        RecordingReader reader = new RecordingReader(new ByteArrayInputStream(cut), "cut");
        assertThat(readAll(reader)).containsExactlyElementsOf(ENTRIES.subList(0, 2));
        assertThat(reader.truncated()).isTrue();
        assertThat(reader.end()).isNull();
    }
}
