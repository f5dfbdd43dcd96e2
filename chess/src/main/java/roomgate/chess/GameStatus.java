package roomgate.chess;

/**
 * Where a game stands: still going, finished on the board by a FIDE rule that applies by itself
 * (mate, stalemate, insufficient material, fivefold repetition, 75-move rule), or drawn by a
 * player's claim (threefold repetition, fifty-move rule; see {@link ChessGame#claimDraw()}).
 */
public enum GameStatus {
    ONGOING,
    CHECKMATE,
    STALEMATE,
    /** Claimed under FIDE 9.3: 50 moves by each side without a capture or pawn move. Never automatic. */
    DRAW_FIFTY_MOVE,
    /** Claimed under FIDE 9.2: the position occurred a third time. Never automatic. */
    DRAW_THREEFOLD_REPETITION,
    DRAW_INSUFFICIENT_MATERIAL,
    /** Automatic under FIDE 9.6.1: the position occurred a fifth time. */
    DRAW_FIVEFOLD_REPETITION,
    /** Automatic under FIDE 9.6.2: 75 moves by each side without a capture or pawn move, unless the last one mates. */
    DRAW_SEVENTY_FIVE_MOVE;

    /** True for every status except {@link #ONGOING}: no further move may be played. */
    public boolean isOver() {
        return this != ONGOING;
    }

    /** True for the statuses that end the game as a draw. */
    public boolean isDraw() {
        return isOver() && this != CHECKMATE;
    }
}
