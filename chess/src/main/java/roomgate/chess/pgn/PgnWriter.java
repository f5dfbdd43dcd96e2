package roomgate.chess.pgn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes one game as PGN export format: the seven tag roster first, in its order (Event, Site,
 * Date, Round, White, Black, Result; "?" or "????.??.??" when unknown, as the standard says), the
 * other tags after it in the order given, a blank line, the movetext with move numbers, an optional
 * comment after each move, and the result token. Lines stay under 80 characters. What it writes,
 * {@link PgnReader} reads back to the same tags and moves.
 */
public final class PgnWriter {
    /** The seven tag roster, in export order. */
    public static final List<String> SEVEN_TAG_ROSTER =
            List.of("Event", "Site", "Date", "Round", "White", "Black", "Result");

    private static final Set<String> RESULTS = Set.of("1-0", "0-1", "1/2-1/2", "*");
    private static final int MAX_LINE = 79;

    private PgnWriter() {}

    /**
     * @param tags tag values by name (any order; the roster's are taken out and written first)
     * @param sanMoves the main line in SAN
     * @param comments one comment per move (null entries or a null list: none); '}' is not allowed in PGN
     *     comments and is replaced by ')'
     * @param result "1-0", "0-1", "1/2-1/2" or "*"; also written as the Result tag
     */
    public static String write(Map<String, String> tags, List<String> sanMoves, List<String> comments, String result) {
        if (!RESULTS.contains(result)) {
            throw new IllegalArgumentException("result: '" + result + "' (expected: 1-0, 0-1, 1/2-1/2 or *)");
        }
        Map<String, String> all = new LinkedHashMap<>(tags);
        all.put("Result", result);
        StringBuilder out = new StringBuilder();
        for (String name : SEVEN_TAG_ROSTER) {
            String value = all.remove(name);
            if (value == null || value.isEmpty()) {
                value = name.equals("Date") ? "????.??.??" : "?";
            }
            tag(out, name, value);
        }
        all.forEach((name, value) -> tag(out, name, value == null ? "" : value));
        out.append('\n');
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < sanMoves.size(); i++) {
            if (i % 2 == 0) {
                token(out, line, (i / 2 + 1) + ".");
            }
            token(out, line, sanMoves.get(i));
            String comment = comments == null || i >= comments.size() ? null : comments.get(i);
            if (comment != null && !comment.isEmpty()) {
                token(out, line, "{" + comment.replace('}', ')').replace('\n', ' ') + "}");
            }
        }
        token(out, line, result);
        out.append(line).append('\n');
        return out.toString();
    }

    private static void tag(StringBuilder out, String name, String value) {
        out.append('[')
                .append(name)
                .append(" \"")
                .append(value.replace("\\", "\\\\").replace("\"", "\\\"").replace('\n', ' '))
                .append("\"]\n");
    }

    private static void token(StringBuilder out, StringBuilder line, String token) {
        if (line.length() > 0 && line.length() + 1 + token.length() > MAX_LINE) {
            out.append(line).append('\n');
            line.setLength(0);
        }
        if (line.length() > 0) {
            line.append(' ');
        }
        line.append(token);
    }
}
