package roomgate.archive;

import java.util.List;
import java.util.Objects;

/**
 * A finished room as the archive keeps it, independent of how the cluster stored it: who was in it,
 * every chess move with the server time it was accepted at, the arena's final scores, the chat, and
 * for chess the game as PGN. {@code (roomId, startedMs)} names the game: the room's creation time,
 * which every copy of its record carries, so that archiving it twice finds one row.
 *
 * @param gameType "CHESS" or "ARENA"
 * @param result for chess "1-0", "0-1", "1/2-1/2" or "*"; null otherwise
 * @param termination why it ended: a chess status ("CHECKMATE", "DRAW_FIFTY_MOVE", ...), "UNFINISHED",
 *     or "EMPTIED" for an arena whose players had all left
 */
public record ArchivedGame(
        String roomId,
        long startedMs,
        long endedMs,
        String gameType,
        String result,
        String termination,
        List<Participant> participants,
        List<Move> moves,
        List<Score> scores,
        List<Chat> chat,
        String pgn) {

    public ArchivedGame {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(gameType, "gameType");
        Objects.requireNonNull(termination, "termination");
        participants = List.copyOf(participants);
        moves = List.copyOf(moves);
        scores = List.copyOf(scores);
        chat = List.copyOf(chat);
    }

    /** Everyone who had a seat in the room, once each, in the order they first joined. */
    public record Participant(String participantId, String displayName, String seat) {}

    /** One chess move: ply from 1, "WHITE"/"BLACK", and the server's time when it was accepted. */
    public record Move(int ply, String side, String participantId, String san, String uci, long serverTimeMs) {}

    /** An arena player's final score (ticks not "it"). */
    public record Score(String participantId, long score) {}

    public record Chat(String participantId, String displayName, String text, long sentAtMs) {}

    /** The participant who played {@code seat} ("WHITE" or "BLACK"), or null. */
    public String playerAt(String seat) {
        for (Participant p : participants) {
            if (p.seat().equals(seat)) {
                return p.participantId();
            }
        }
        return null;
    }
}
