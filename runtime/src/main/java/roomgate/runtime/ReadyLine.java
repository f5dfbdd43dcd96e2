package roomgate.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one line a roomgate process prints on standard output when it is ready to serve, e.g.
 * {@code ROOMGATE-READY role=node node-id=node-1 link-port=7101 pid=4242}. The launcher and the
 * system tests wait for it and read the ports from it, which is what lets every port be 0.
 */
public final class ReadyLine {
    public static final String PREFIX = "ROOMGATE-READY";

    private ReadyLine() {}

    public static String format(String role, Map<String, ?> fields) {
        StringBuilder line = new StringBuilder(PREFIX).append(" role=").append(role);
        fields.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        return line.toString();
    }

    /** The fields of a ready line, or null if {@code line} is not one. */
    public static Map<String, String> parse(String line) {
        if (!line.startsWith(PREFIX + " ")) {
            return null;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : line.substring(PREFIX.length() + 1).trim().split(" +")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return fields;
    }
}
