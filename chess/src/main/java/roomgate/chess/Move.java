package roomgate.chess;

import java.util.Objects;

/**
 * An immutable move as a client names it: origin square, destination square and, for a pawn
 * reaching the last rank, the piece it becomes. Castling is the king's two-square move (e1g1);
 * en passant is the capturing pawn's diagonal move. Whether the move is legal is a question for
 * a {@link Position}; a Move is only well-formed.
 */
public final class Move {
    private static final String UCI_FORMAT = "expected <from><to>[qrbn], e.g. e2e4 or e7e8q";

    private final int from;
    private final int to;
    private final PieceType promotion;

    private Move(int from, int to, PieceType promotion) {
        this.from = from;
        this.to = to;
        this.promotion = promotion;
    }

    /** A move without promotion between two squares named like "e2". */
    public static Move of(String from, String to) {
        return of(from, to, null);
    }

    /**
     * A move between two squares named like "e2", promoting to {@code promotion} (null for none).
     *
     * @throws IllegalArgumentException if a square name is invalid or the promotion piece is a pawn or king
     */
    public static Move of(String from, String to, PieceType promotion) {
        int f = from == null ? -1 : Squares.parse(from);
        int t = to == null ? -1 : Squares.parse(to);
        if (f < 0 || t < 0) {
            throw new IllegalArgumentException("squares must be named a1..h8, got " + from + " and " + to);
        }
        if (promotion != null && !promotion.isPromotionTarget()) {
            throw new IllegalArgumentException(
                    "a pawn cannot promote to a " + promotion.name().toLowerCase());
        }
        return new Move(f, t, promotion);
    }

    /**
     * Parses UCI long algebraic notation: origin, destination and an optional lower-case
     * promotion letter (e2e4, e1g1, e7e8q). Only syntax is checked here.
     *
     * @throws IllegalMoveException with reason MALFORMED if the text is not of that form
     */
    public static Move parseUci(String uci) {
        if (uci == null) {
            throw new IllegalMoveException(IllegalMoveException.Reason.MALFORMED, "uci null: " + UCI_FORMAT);
        }
        int len = uci.length();
        int f = Squares.parse(uci, 0);
        int t = Squares.parse(uci, 2);
        PieceType promo = len == 5 ? PieceType.ofPromotionLetter(uci.charAt(4)) : null;
        if ((len != 4 && len != 5) || f < 0 || t < 0 || (len == 5 && promo == null)) {
            throw new IllegalMoveException(
                    IllegalMoveException.Reason.MALFORMED, "uci '" + printable(uci) + "': " + UCI_FORMAT);
        }
        return new Move(f, t, promo);
    }

    static Move ofBits(int bits) {
        return new Move(MoveBits.from(bits), MoveBits.to(bits), PieceType.ofCode(MoveBits.promotion(bits)));
    }

    /** Origin square name, e.g. "e2". */
    public String from() {
        return Squares.name(from);
    }

    /** Destination square name, e.g. "e4". */
    public String to() {
        return Squares.name(to);
    }

    /** The piece a pawn promotes to, or null if this is not a promotion. */
    public PieceType promotion() {
        return promotion;
    }

    /** UCI long algebraic form, e.g. "e2e4" or "e7e8q". */
    public String uci() {
        String s = from() + to();
        return promotion == null ? s : s + promotion.uciLetter();
    }

    int fromIndex() {
        return from;
    }

    int toIndex() {
        return to;
    }

    int promotionCode() {
        return promotion == null ? 0 : promotion.code();
    }

    boolean matches(int bits) {
        return MoveBits.from(bits) == from && MoveBits.to(bits) == to && MoveBits.promotion(bits) == promotionCode();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Move)) {
            return false;
        }
        Move m = (Move) o;
        return from == m.from && to == m.to && promotion == m.promotion;
    }

    @Override
    public int hashCode() {
        return Objects.hash(from, to, promotion);
    }

    @Override
    public String toString() {
        return uci();
    }

    /** Hostile input may be huge or contain control characters; keep messages short and printable. */
    static String printable(String s) {
        String cut = s.length() > 20 ? s.substring(0, 20) + "..." : s;
        StringBuilder b = new StringBuilder(cut.length());
        for (char c : cut.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
