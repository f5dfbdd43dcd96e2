package roomgate.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import roomgate.protocol.recording.v1.RecordEntry;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.recording.RecordingFormat;
import roomgate.recording.RecordingWriter;

/** The command line itself: exit codes, one-line errors for bad input, inspect's summary. */
class LoadtestMainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return LoadtestMain.run(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
    }

    @Test
    void inspectSummarizesARecordingAndTheStateItImplies() throws Exception {
        Path file = dir.resolve("r.rgrec");
        try (RecordingWriter writer = RecordingWriter.create(file, RecordingFormat.header("gw-9", 0, "glob:*"))) {
            writer.write(RecordEntry.newBuilder()
                    .setOffsetMicros(5)
                    .setSessionId(1)
                    .setRoomId("r")
                    .setMessage(ClientMessage.newBuilder()
                            .setJoin(JoinRoom.newBuilder().setRoomId("r").setGameType(GameType.CHESS)))
                    .build());
            writer.write(RecordEntry.newBuilder()
                    .setOffsetMicros(9)
                    .setSessionId(1)
                    .setRoomId("r")
                    .setMessage(ClientMessage.newBuilder()
                            .setMove(ChessMove.newBuilder().setRoomId("r").setUci("e2e4")))
                    .build());
        }

        assertThat(run("inspect", file.toString())).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains(
                        "roomgate-recording v1, gateway gw-9",
                        "{JOIN=1, MOVE=1}",
                        "1 clients, 1 rooms",
                        "r: 1 moves, ONGOING");
    }

    @Test
    void aFileThatIsNoRecordingIsOneLineAndExitCodeTwo() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a recording at all\n");

        assertThat(run("replay", text.toString(), "--target", "ws://127.0.0.1:1/ws"))
                .isEqualTo(2);

        String error = err.toString(StandardCharsets.UTF_8);
        assertThat(error).startsWith("roomgate-loadtest replay: ").contains("not a roomgate recording");
        assertThat(error.lines().count()).isEqualTo(1);
    }

    @Test
    void badOptionsAreRefusedBeforeAnythingRuns() {
        assertThat(run("play-pgn", "x.pgn", "--target", "http://127.0.0.1/ws")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("expected ws://");
        assertThat(run("replay", "x.rgrec")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--target");
    }
}
