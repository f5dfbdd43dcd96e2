package roomgate.chess;

/**
 * Applies the FIDE rules that end a game on the board without anyone asking: checkmate,
 * stalemate, dead position by material, fivefold repetition (9.6.1) and the 75-move rule (9.6.2).
 * Checkmate is tested first because 9.6.2 lets a mate on the 75th move stand. Also holds the
 * thresholds of the claimable draws (9.2 threefold, 9.3 fifty moves), which only a claim applies.
 */
final class Adjudicator {
    static final int REPETITIONS_TO_CLAIM = 3;
    static final int PLIES_TO_CLAIM = 100;
    static final int REPETITIONS_AUTOMATIC = 5;
    static final int PLIES_AUTOMATIC = 150;

    private Adjudicator() {}

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
        if (occurrences >= REPETITIONS_AUTOMATIC) {
            return GameStatus.DRAW_FIVEFOLD_REPETITION;
        }
        if (position.halfmoveClock() >= PLIES_AUTOMATIC) {
            return GameStatus.DRAW_SEVENTY_FIVE_MOVE;
        }
        return GameStatus.ONGOING;
    }

    /** The draw a player may claim in this position (repetition first), or null if none. */
    static GameStatus claimable(Position position, int occurrences) {
        if (occurrences >= REPETITIONS_TO_CLAIM) {
            return GameStatus.DRAW_THREEFOLD_REPETITION;
        }
        if (position.halfmoveClock() >= PLIES_TO_CLAIM) {
            return GameStatus.DRAW_FIFTY_MOVE;
        }
        return null;
    }
}
