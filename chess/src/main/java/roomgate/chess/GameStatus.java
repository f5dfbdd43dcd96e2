package roomgate.chess;

/**
 * Where a game stands after its latest move: still going, or finished by one of the FIDE rules
 * that end a game on the board (mate, stalemate, and the draws this server applies automatically).
 */
public enum GameStatus {
    ONGOING,
    CHECKMATE,
    STALEMATE,
    DRAW_FIFTY_MOVE,
    DRAW_THREEFOLD_REPETITION,
    DRAW_INSUFFICIENT_MATERIAL;

    /** True for every status except {@link #ONGOING}: no further move may be played. */
    public boolean isOver() {
        return this != ONGOING;
    }

    /** True for the statuses that end the game as a draw. */
    public boolean isDraw() {
        return isOver() && this != CHECKMATE;
    }
}
