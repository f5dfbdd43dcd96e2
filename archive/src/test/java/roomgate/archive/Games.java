package roomgate.archive;

import java.util.List;

/** Finished games to write in tests. */
final class Games {
    private Games() {}

    static ArchivedGame chess(String roomId, long startedMs, String white, String black) {
        return new ArchivedGame(
                roomId,
                startedMs,
                startedMs + 60_000,
                "CHESS",
                "1-0",
                "CHECKMATE",
                List.of(
                        new ArchivedGame.Participant(white, "W", "WHITE"),
                        new ArchivedGame.Participant(black, "B", "BLACK")),
                List.of(
                        new ArchivedGame.Move(1, "WHITE", white, "e4", "e2e4", startedMs + 1_000),
                        new ArchivedGame.Move(2, "BLACK", black, "e5", "e7e5", startedMs + 2_000)),
                List.of(),
                List.of(new ArchivedGame.Chat(white, "W", "good game", startedMs + 3_000)),
                "[Event \"?\"]\n\n1. e4 e5 1-0\n");
    }
}
