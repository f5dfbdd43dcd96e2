package roomgate.chess;

/**
 * Decides a game's status from the current position and how often it has occurred. Checkmate is
 * tested first so that a mate delivered on the move that also completes fifty moves, or repeats a
 * position, still wins (FIDE 9.3 / 9.6 give mate precedence).
 */
final class Adjudicator {
    static final int FIFTY_MOVE_PLIES = 100;
    static final int REPETITIONS_FOR_DRAW = 3;

    private Adjudicator() {
    }

    static GameStatus status(Position position, int occurrences) {
        if (position.isCheckmate()) {
            return GameStatus.CHECKMATE;
        }
        if (position.isStalemate()) {
            return GameStatus.STALEMATE;
        }
        if (position.hasInsufficientMaterial()) {
            return GameStatus.DRAW_INSUFFICIENT_MATERIAL;
        }
        if (occurrences >= REPETITIONS_FOR_DRAW) {
            return GameStatus.DRAW_THREEFOLD_REPETITION;
        }
        if (position.halfmoveClock() >= FIFTY_MOVE_PLIES) {
            return GameStatus.DRAW_FIFTY_MOVE;
        }
        return GameStatus.ONGOING;
    }
}
