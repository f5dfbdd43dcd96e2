package roomgate.chess;

/**
 * Detects positions where neither side can possibly mate (FIDE 5.2.2 dead positions that follow
 * from material alone): bare kings, a single minor piece, or only bishops all on squares of one
 * colour. Knight pairs and bishop-versus-knight can still mate with help, so they are not dead.
 */
final class Material {
    private Material() {}

    static boolean isInsufficient(Board board) {
        int knights = 0;
        int lightBishops = 0;
        int darkBishops = 0;
        for (int sq = 0; sq < 64; sq++) {
            int p = board.squares[sq];
            switch (Piece.type(p)) {
                case Piece.EMPTY:
                case Piece.KING:
                    break;
                case Piece.KNIGHT:
                    knights++;
                    break;
                case Piece.BISHOP:
                    if (Squares.isLight(sq)) {
                        lightBishops++;
                    } else {
                        darkBishops++;
                    }
                    break;
                default:
                    return false;
            }
        }
        int minors = knights + lightBishops + darkBishops;
        if (minors <= 1) {
            return true;
        }
        return knights == 0 && (lightBishops == 0 || darkBishops == 0);
    }
}
