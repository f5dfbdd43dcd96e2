package roomgate.chess;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a SAN move, as found in PGN, to the legal move it denotes. Accepts check, mate and
 * annotation suffixes (+ # ! ?), "0-0" for "O-O", promotion with or without "=", and redundant
 * disambiguation; the capture mark "x" is not required to be present or absent, since the board
 * decides. Rejects SAN that matches no legal move or more than one.
 */
final class SanParser {
    private static final Pattern PIECE_MOVE =
            Pattern.compile("([NBRQK])?([a-h])?([1-8])?(x)?([a-h][1-8])(?:=?([NBRQ]))?");
    private static final String FORMAT = "expected SAN such as e4, Nf3, exd5, Nbd7, R1e2, O-O, O-O-O or e8=Q";

    private SanParser() {}

    static int parse(Position pos, String san) {
        if (san == null) {
            throw new IllegalMoveException(IllegalMoveException.Reason.MALFORMED, "SAN null: " + FORMAT);
        }
        String core = stripSuffixes(san.trim());
        if (core.equals("O-O") || core.equals("0-0")) {
            return castle(pos, san, true);
        }
        if (core.equals("O-O-O") || core.equals("0-0-0")) {
            return castle(pos, san, false);
        }
        Matcher m = PIECE_MOVE.matcher(core);
        if (!m.matches()) {
            throw new IllegalMoveException(
                    IllegalMoveException.Reason.MALFORMED, "SAN '" + Move.printable(san) + "': " + FORMAT);
        }
        int type = m.group(1) == null ? Piece.PAWN : Piece.ofFenChar(m.group(1).charAt(0));
        int fromFile = m.group(2) == null ? -1 : m.group(2).charAt(0) - 'a';
        int fromRank = m.group(3) == null ? -1 : m.group(3).charAt(0) - '1';
        int to = Squares.parse(m.group(5));
        int promo =
                m.group(6) == null ? 0 : Piece.type(Piece.ofFenChar(m.group(6).charAt(0)));

        Board b = pos.board();
        List<Integer> candidates = new ArrayList<>(2);
        boolean missingPromotion = false;
        for (int move : pos.legalBits()) {
            int from = MoveBits.from(move);
            if (MoveBits.to(move) != to
                    || Piece.type(b.squares[from]) != type
                    || (fromFile >= 0 && Squares.file(from) != fromFile)
                    || (fromRank >= 0 && Squares.rank(from) != fromRank)
                    || MoveBits.flag(move) == MoveBits.CASTLE) {
                continue;
            }
            if (MoveBits.promotion(move) == promo) {
                candidates.add(move);
            } else if (promo == 0) {
                missingPromotion = true;
            }
        }
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        throw illegal(pos, san, candidates, missingPromotion);
    }

    private static String stripSuffixes(String s) {
        int end = s.length();
        while (end > 0 && "+#!?".indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        String core = s.substring(0, end);
        return core.endsWith("e.p.") ? core.substring(0, core.length() - 4).trim() : core;
    }

    private static int castle(Position pos, String san, boolean kingside) {
        for (int move : pos.legalBits()) {
            if (MoveBits.flag(move) == MoveBits.CASTLE && (MoveBits.to(move) > MoveBits.from(move)) == kingside) {
                return move;
            }
        }
        throw new IllegalMoveException(
                IllegalMoveException.Reason.ILLEGAL,
                "SAN '" + Move.printable(san) + "': castling " + (kingside ? "kingside" : "queenside")
                        + " is not legal for " + pos.sideToMove().label() + " in position " + pos.toFen()
                        + "; legal moves: " + legalSans(pos));
    }

    private static IllegalMoveException illegal(
            Position pos, String san, List<Integer> candidates, boolean missingPromotion) {
        String prefix = "SAN '" + Move.printable(san) + "' in position " + pos.toFen() + ": ";
        String why;
        if (candidates.size() > 1) {
            StringBuilder alts = new StringBuilder();
            for (int c : candidates) {
                alts.append(alts.length() == 0 ? "" : ", ").append(SanWriter.withoutSuffix(pos, c));
            }
            why = "ambiguous, it could be " + alts + "; add the origin file or rank";
        } else if (missingPromotion) {
            why = "a pawn reaching the last rank must promote; add =Q, =R, =B or =N";
        } else {
            why = "not a legal move for " + pos.sideToMove().label() + "; legal moves: " + legalSans(pos);
        }
        return new IllegalMoveException(IllegalMoveException.Reason.ILLEGAL, prefix + why);
    }

    private static String legalSans(Position pos) {
        if (pos.legalBits().length == 0) {
            return "none";
        }
        StringBuilder s = new StringBuilder();
        for (int m : pos.legalBits()) {
            s.append(s.length() == 0 ? "" : " ").append(SanWriter.withoutSuffix(pos, m));
        }
        return s.toString();
    }
}
