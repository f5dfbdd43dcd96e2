package roomgate.gateway.session;

/**
 * Checks on the text a client gives for others to see (display names, chat lines): a length limit
 * and no control characters. Refused rather than stripped, so the client learns what was wrong.
 */
public final class TextChecks {
    private TextChecks() {}

    /**
     * Why {@code text} may not be shown as {@code field}, naming the field and what would be accepted,
     * or null. Length is counted in UTF-16 chars ({@code String.length()}), as the node counts chat.
     * Refused characters: C0 and C1 controls and DEL (NUL, escape sequences, line breaks, tabs) and
     * the bidirectional overrides and isolates, which make text display as something else.
     */
    public static String problem(String field, String text, int maxChars) {
        if (text.length() > maxChars) {
            return field + ": " + text.length() + " chars (expected: at most " + maxChars + ")";
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || isBidiControl(c)) {
                return field + ": control character U+" + String.format("%04X", (int) c) + " at " + i
                        + " (expected: printable text)";
            }
        }
        return null;
    }

    private static boolean isBidiControl(char c) {
        return c == '\u061C'
                || c == '\u200E'
                || c == '\u200F'
                || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069');
    }
}
