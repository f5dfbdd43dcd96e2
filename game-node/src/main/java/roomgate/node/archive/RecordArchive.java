package roomgate.node.archive;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import roomgate.archive.ArchivedGame;
import roomgate.chess.pgn.PgnWriter;
import roomgate.protocol.store.v1.RoomRecord;
import roomgate.protocol.v1.ArenaPlayer;
import roomgate.protocol.v1.ChatMessage;
import roomgate.protocol.v1.GameStatus;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.MoveMade;
import roomgate.protocol.v1.Participant;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.Side;

/**
 * A finished room's record as the archive keeps it: participants, every chess move with the server
 * time it was accepted at (also as a PGN comment per move), the result and why the game ended, the
 * arena's final scores (from its last snapshot), and the chat. A pure function of the record, so
 * that two nodes archiving the same record write the same game.
 */
public final class RecordArchive {
    private static final DateTimeFormatter PGN_DATE =
            DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter PGN_TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private RecordArchive() {}

    /** @param nowMs the end time of a game whose end the record does not say (an arena that emptied) */
    public static ArchivedGame toGame(RoomRecord record, long nowMs) {
        Map<String, ArchivedGame.Participant> participants = new LinkedHashMap<>();
        List<ArchivedGame.Move> moves = new ArrayList<>();
        List<ArchivedGame.Chat> chat = new ArrayList<>();
        List<ArchivedGame.Score> scores = new ArrayList<>();
        if (record.hasSnapshot()) {
            record.getSnapshot()
                    .getParticipantsList()
                    .forEach(p -> participants.putIfAbsent(p.getParticipantId(), of(p)));
            record.getSnapshotChatList().forEach(c -> chat.add(of(c)));
            for (ArenaPlayer player : record.getSnapshot().getArena().getPlayersList()) {
                scores.add(new ArchivedGame.Score(player.getParticipantId(), player.getScore()));
            }
        }
        GameStatus status = GameStatus.ONGOING;
        Side winner = null;
        long firstEventMs = 0;
        long lastGameEventMs = 0;
        for (RoomEvent event : record.getEventsList()) {
            if (firstEventMs == 0) {
                firstEventMs = event.getServerTimeMs();
            }
            switch (event.getBodyCase()) {
                case PARTICIPANT_JOINED -> {
                    Participant p = event.getParticipantJoined().getParticipant();
                    participants.putIfAbsent(p.getParticipantId(), of(p));
                }
                case CHAT -> chat.add(of(event.getChat()));
                case MOVE_MADE -> {
                    MoveMade move = event.getMoveMade();
                    moves.add(new ArchivedGame.Move(
                            moves.size() + 1,
                            move.getSide().name(),
                            move.getParticipantId(),
                            move.getSan(),
                            move.getUci(),
                            event.getServerTimeMs()));
                    status = move.getStatus();
                    winner = move.getStatus() == GameStatus.CHECKMATE ? move.getWinner() : null;
                    lastGameEventMs = event.getServerTimeMs();
                }
                case DRAW_CLAIMED -> {
                    status = event.getDrawClaimed().getStatus();
                    lastGameEventMs = event.getServerTimeMs();
                }
                default -> {
                    // seats given up, arena ticks: nothing to keep
                }
            }
        }
        long startedMs = record.getCreatedMs() != 0 ? record.getCreatedMs() : firstEventMs;
        boolean chess = record.getGameType() == GameType.CHESS;
        boolean over = status != GameStatus.ONGOING && status != GameStatus.GAME_STATUS_UNSPECIFIED;
        long endedMs = chess && over ? lastGameEventMs : nowMs;
        String result = !chess
                ? null
                : status == GameStatus.CHECKMATE ? (winner == Side.WHITE ? "1-0" : "0-1") : over ? "1/2-1/2" : "*";
        String termination = chess ? (over ? status.name() : "UNFINISHED") : "EMPTIED";
        ArchivedGame draft = new ArchivedGame(
                record.getRoomId(),
                startedMs,
                endedMs,
                record.getGameType().name(),
                result,
                termination,
                List.copyOf(participants.values()),
                moves,
                scores,
                chat,
                null);
        if (!chess) {
            return draft;
        }
        return new ArchivedGame(
                draft.roomId(),
                startedMs,
                endedMs,
                draft.gameType(),
                result,
                termination,
                draft.participants(),
                moves,
                scores,
                chat,
                pgn(draft));
    }

    /** The game as PGN: the seven tag roster, then the room, termination, times and participants; a time per move. */
    static String pgn(ArchivedGame game) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("Event", "roomgate chess");
        tags.put("Site", "roomgate room " + game.roomId());
        tags.put("Date", PGN_DATE.format(Instant.ofEpochMilli(game.startedMs())));
        tags.put("Round", "-");
        tags.put("White", orUnknown(game.playerAt("WHITE")));
        tags.put("Black", orUnknown(game.playerAt("BLACK")));
        tags.put("RoomId", game.roomId());
        tags.put("Termination", game.termination().equals("UNFINISHED") ? "unterminated" : "normal");
        tags.put("RoomgateTermination", game.termination());
        tags.put("UTCDate", PGN_DATE.format(Instant.ofEpochMilli(game.startedMs())));
        tags.put("UTCTime", PGN_TIME.format(Instant.ofEpochMilli(game.startedMs())));
        tags.put("StartTimeMs", Long.toString(game.startedMs()));
        tags.put("EndTimeMs", Long.toString(game.endedMs()));
        tags.put(
                "Participants",
                String.join(
                        " ",
                        game.participants().stream()
                                .map(p -> p.participantId() + ":" + p.seat())
                                .toList()));
        List<String> san = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        for (ArchivedGame.Move move : game.moves()) {
            san.add(move.san());
            comments.add("[%ts " + Instant.ofEpochMilli(move.serverTimeMs()) + "]");
        }
        return PgnWriter.write(tags, san, comments, game.result());
    }

    private static String orUnknown(String id) {
        return id == null ? "?" : id;
    }

    private static ArchivedGame.Participant of(Participant p) {
        return new ArchivedGame.Participant(
                p.getParticipantId(), p.getDisplayName(), p.getSeat().name().replace("SEAT_", ""));
    }

    private static ArchivedGame.Chat of(ChatMessage c) {
        return new ArchivedGame.Chat(c.getParticipantId(), c.getDisplayName(), c.getText(), c.getSentAtMs());
    }
}
