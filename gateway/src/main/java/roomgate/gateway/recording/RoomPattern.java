package roomgate.gateway.recording;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which rooms to record, by room ID: {@code glob:bench-*} (or a bare glob: {@code *} any run of
 * characters, {@code ?} one) or {@code regex:bench-[0-9]+} (Java regex, matched against the
 * whole ID). Immutable and thread-safe: every event loop matches with the same instance.
 */
public final class RoomPattern {
    private final String text;
    private final Pattern regex;

    private RoomPattern(String text, Pattern regex) {
        this.text = text;
        this.regex = regex;
    }

    /**
     * @throws IllegalArgumentException if the pattern is empty or not a valid regex
     */
    public static RoomPattern parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isBlank()) {
            throw new IllegalArgumentException("room pattern: empty (expected: glob:PATTERN, regex:PATTERN or a glob)");
        }
        if (text.startsWith("regex:")) {
            try {
                return new RoomPattern(text, Pattern.compile(text.substring("regex:".length())));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(
                        "room pattern '" + text + "': bad regex (" + e.getDescription() + ")");
            }
        }
        String glob = text.startsWith("glob:") ? text.substring("glob:".length()) : text;
        return new RoomPattern(text, Pattern.compile(globToRegex(glob)));
    }

    private static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return regex.toString();
    }

    public boolean matches(String roomId) {
        return regex.matcher(roomId).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
