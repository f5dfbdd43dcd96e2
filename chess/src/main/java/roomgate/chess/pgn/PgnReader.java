package roomgate.chess.pgn;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads games from PGN text (export or hand-written): tag pairs, main-line SAN moves and the
 * result, skipping comments, nested variations, NAGs, move numbers and annotation glyphs. It does
 * not check that moves are legal; replay them through a ChessGame for that. Use {@link #next()}
 * to stream a large file, or {@link #readAll} for a list.
 */
public final class PgnReader {
    private static final Set<String> RESULTS = Set.of("1-0", "0-1", "1/2-1/2", "*");

    private final PgnTokenizer tokens;
    private PgnToken pending;

    public PgnReader(Reader reader) {
        this.tokens = new PgnTokenizer(reader instanceof BufferedReader ? reader : new BufferedReader(reader));
    }

    /** Every game in the text, in order. */
    public static List<PgnGame> readAll(Reader reader) throws IOException {
        PgnReader r = new PgnReader(reader);
        List<PgnGame> games = new ArrayList<>();
        for (PgnGame g = r.next(); g != null; g = r.next()) {
            games.add(g);
        }
        return games;
    }

    /** Every game in a file read as UTF-8 (bad bytes become U+FFFD rather than failing). */
    public static List<PgnGame> readAll(Path file) throws IOException {
        var decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try (Reader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder))) {
            return readAll(reader);
        }
    }

    /**
     * The next game, or null at the end of the text. A game ends at its result token; a game
     * cut off without one takes its result from the Result tag, or "*".
     *
     * @throws PgnFormatException if the text is broken beyond skipping
     */
    public PgnGame next() throws IOException {
        Map<String, String> tags = new LinkedHashMap<>();
        List<String> moves = new ArrayList<>();
        int depth = 0;
        int variationLine = 0;
        while (true) {
            PgnToken t = take();
            switch (t.kind()) {
                case END:
                    if (depth > 0) {
                        throw new PgnFormatException(variationLine, "variation '(' is never closed");
                    }
                    return tags.isEmpty() && moves.isEmpty() ? null : finish(tags, moves, null);
                case TAG:
                    if (!moves.isEmpty() && depth == 0) {
                        // A new tag section after movetext means the previous game lacked a result.
                        pending = t;
                        return finish(tags, moves, null);
                    }
                    tags.put(t.text(), t.value());
                    break;
                case OPEN_VARIATION:
                    if (depth++ == 0) {
                        variationLine = t.line();
                    }
                    break;
                case CLOSE_VARIATION:
                    if (depth == 0) {
                        throw new PgnFormatException(t.line(), "')' without a matching '('");
                    }
                    depth--;
                    break;
                case NAG:
                    break;
                case SYMBOL:
                    if (depth > 0) {
                        break;
                    }
                    if (RESULTS.contains(t.text())) {
                        return finish(tags, moves, t.text());
                    }
                    String san = san(t.text());
                    // "e.p." is an old-style annotation written after an en passant capture, not a move.
                    if (!san.isEmpty() && !san.equals("e.p.")) {
                        moves.add(san);
                    }
                    break;
                default:
                    throw new IllegalStateException("unknown token " + t);
            }
        }
    }

    private PgnToken take() throws IOException {
        if (pending != null) {
            PgnToken t = pending;
            pending = null;
            return t;
        }
        return tokens.next();
    }

    private static PgnGame finish(Map<String, String> tags, List<String> moves, String result) {
        String r = result != null ? result : tags.getOrDefault("Result", "*");
        return new PgnGame(tags, moves, r);
    }

    /** Strips a leading move number ("12." or "12...", possibly glued to the move) and trailing !? glyphs. */
    static String san(String symbol) {
        int start = 0;
        while (start < symbol.length() && Character.isDigit(symbol.charAt(start))) {
            start++;
        }
        if (start < symbol.length() && symbol.charAt(start) == '.') {
            while (start < symbol.length() && symbol.charAt(start) == '.') {
                start++;
            }
        } else {
            start = 0;
        }
        int end = symbol.length();
        while (end > start && (symbol.charAt(end - 1) == '!' || symbol.charAt(end - 1) == '?')) {
            end--;
        }
        return symbol.substring(start, end);
    }
}
