package roomgate.loadtest.replay;

import java.util.List;

/**
 * The final chess state of a room as the replay compares it: the moves in UCI, the position
 * (FEN), the status and the winner (as the protocol names them). Two rooms ended the same when
 * these are equal.
 */
public record ChessOutcome(List<String> uciMoves, String fen, String status, String winner) {
    public ChessOutcome {
        uciMoves = List.copyOf(uciMoves);
    }

    /** What differs from {@code actual}, or null if nothing does. */
    public String differenceFrom(ChessOutcome actual) {
        if (equals(actual)) {
            return null;
        }
        if (!uciMoves.equals(actual.uciMoves)) {
            int common = 0;
            while (common < Math.min(uciMoves.size(), actual.uciMoves.size())
                    && uciMoves.get(common).equals(actual.uciMoves.get(common))) {
                common++;
            }
            return "moves differ from ply " + (common + 1) + ": expected " + uciMoves.size() + " moves"
                    + (common < uciMoves.size() ? " (" + uciMoves.get(common) + " next)" : "")
                    + ", got " + actual.uciMoves.size()
                    + (common < actual.uciMoves.size() ? " (" + actual.uciMoves.get(common) + " next)" : "");
        }
        return "expected " + fen + " " + status + " winner " + winner + ", got " + actual.fen + " " + actual.status
                + " winner " + actual.winner;
    }
}
