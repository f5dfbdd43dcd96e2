package roomgate.node.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;
import roomgate.archive.ArchivedGame;
import roomgate.chess.pgn.PgnGame;
import roomgate.chess.pgn.PgnReader;
import roomgate.chess.pgn.PgnWriter;
import roomgate.protocol.store.v1.RoomRecord;
import roomgate.protocol.v1.ChatMessage;
import roomgate.protocol.v1.GameStatus;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.MoveMade;
import roomgate.protocol.v1.Participant;
import roomgate.protocol.v1.ParticipantJoined;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.Seat;
import roomgate.protocol.v1.Side;

/** A chess record as the archive keeps it: PGN with the seven tag roster, result, termination, times. */
class RecordArchiveTest {
    static final long START = 1_765_000_000_000L;

    /** A finished chess record: 1. f3 e5 2. g4 Qh4#, black (p2) mates; a chat line. */
    static RoomRecord foolsMate(String roomId, long epoch) {
        RoomRecord.Builder record = RoomRecord.newBuilder()
                .setRoomId(roomId)
                .setGameType(GameType.CHESS)
                .setOwnerNodeId("node-a")
                .setEpoch(epoch)
                .setCreatedMs(START);
        long seq = 0;
        record.addEvents(RoomEvent.newBuilder()
                .setRoomId(roomId)
                .setSequence(++seq)
                .setServerTimeMs(START + 10)
                .setParticipantJoined(ParticipantJoined.newBuilder()
                        .setParticipant(Participant.newBuilder()
                                .setParticipantId("p1")
                                .setDisplayName("Ann")
                                .setSeat(Seat.SEAT_WHITE))));
        record.addEvents(RoomEvent.newBuilder()
                .setRoomId(roomId)
                .setSequence(++seq)
                .setServerTimeMs(START + 20)
                .setParticipantJoined(ParticipantJoined.newBuilder()
                        .setParticipant(Participant.newBuilder()
                                .setParticipantId("p2")
                                .setDisplayName("Bob")
                                .setSeat(Seat.SEAT_BLACK))));
        String[][] moves = {{"f2f3", "f3"}, {"e7e5", "e5"}, {"g2g4", "g4"}, {"d8h4", "Qh4#"}};
        for (int i = 0; i < moves.length; i++) {
            boolean white = i % 2 == 0;
            MoveMade.Builder made = MoveMade.newBuilder()
                    .setParticipantId(white ? "p1" : "p2")
                    .setSide(white ? Side.WHITE : Side.BLACK)
                    .setUci(moves[i][0])
                    .setSan(moves[i][1])
                    .setStatus(i == 3 ? GameStatus.CHECKMATE : GameStatus.ONGOING);
            if (i == 3) {
                made.setWinner(Side.BLACK);
            }
            record.addEvents(RoomEvent.newBuilder()
                    .setRoomId(roomId)
                    .setSequence(++seq)
                    .setServerTimeMs(START + 1_000 * (i + 1))
                    .setMoveMade(made));
        }
        record.addEvents(RoomEvent.newBuilder()
                .setRoomId(roomId)
                .setSequence(++seq)
                .setServerTimeMs(START + 5_000)
                .setChat(ChatMessage.newBuilder()
                        .setParticipantId("p1")
                        .setDisplayName("Ann")
                        .setText("gg")
                        .setSentAtMs(START + 5_000)));
        return record.build();
    }

    @Test
    void aFinishedChessRecordBecomesAGameWithItsPgn() throws Exception {
        ArchivedGame game = RecordArchive.toGame(foolsMate("r1", 2), START + 99_000);
        assertThat(game.startedMs()).isEqualTo(START);
        assertThat(game.endedMs()).as("the mating move's time").isEqualTo(START + 4_000);
        assertThat(game.result()).isEqualTo("0-1");
        assertThat(game.termination()).isEqualTo("CHECKMATE");
        assertThat(game.playerAt("WHITE")).isEqualTo("p1");
        assertThat(game.playerAt("BLACK")).isEqualTo("p2");
        assertThat(game.moves()).extracting(ArchivedGame.Move::uci).containsExactly("f2f3", "e7e5", "g2g4", "d8h4");
        assertThat(game.moves())
                .extracting(ArchivedGame.Move::serverTimeMs)
                .containsExactly(START + 1_000, START + 2_000, START + 3_000, START + 4_000);
        assertThat(game.chat()).extracting(ArchivedGame.Chat::text).containsExactly("gg");

        List<String> lines = game.pgn().lines().toList();
        assertThat(lines.subList(0, 7))
                .containsExactly(
                        "[Event \"roomgate chess\"]",
                        "[Site \"roomgate room r1\"]",
                        "[Date \"2025.12.06\"]",
                        "[Round \"-\"]",
                        "[White \"p1\"]",
                        "[Black \"p2\"]",
                        "[Result \"0-1\"]");
        assertThat(game.pgn())
                .contains(
                        "[Termination \"normal\"]",
                        "[RoomgateTermination \"CHECKMATE\"]",
                        "[StartTimeMs \"" + START + "\"]",
                        "[EndTimeMs \"" + (START + 4_000) + "\"]",
                        "[Participants \"p1:WHITE p2:BLACK\"]",
                        "{[%ts 2025-12-06T05:46:44Z]} 0-1");
        PgnGame back = new PgnReader(new StringReader(game.pgn())).next();
        assertThat(back.sanMoves()).containsExactly("f3", "e5", "g4", "Qh4#");
        assertThat(back.result()).isEqualTo("0-1");
        assertThat(List.copyOf(back.tags().keySet()).subList(0, 7)).isEqualTo(PgnWriter.SEVEN_TAG_ROSTER);
    }

    @Test
    void anUnfinishedGameSaysSo() {
        RoomRecord record = foolsMate("r1", 1);
        RoomRecord cut = record.toBuilder()
                .clearEvents()
                .addAllEvents(record.getEventsList().subList(0, 4))
                .build();
        ArchivedGame game = RecordArchive.toGame(cut, START + 9_000);
        assertThat(game.result()).isEqualTo("*");
        assertThat(game.termination()).isEqualTo("UNFINISHED");
        assertThat(game.endedMs()).isEqualTo(START + 9_000);
        assertThat(game.pgn()).contains("[Termination \"unterminated\"]");
    }
}
