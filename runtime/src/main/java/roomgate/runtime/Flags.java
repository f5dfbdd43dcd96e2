package roomgate.runtime;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Command-line flags with environment fallback, read once in a process's {@code main} and turned
 * into immutable config objects there; nothing below {@code main} reads flags, properties or
 * environment. A flag {@code --link-port 7000} (or {@code --link-port=7000}) wins over the variable
 * {@code ROOMGATE_LINK_PORT}, which wins over the default the caller gives.
 */
public final class Flags {
    private final Map<String, String> values;

    private Flags(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Parses {@code args}, accepting only the names in {@code known}.
     *
     * @throws IllegalArgumentException naming the bad argument and what would have been accepted
     */
    public static Flags parse(String[] args, Map<String, String> env, Set<String> known) {
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(env, "env");
        Map<String, String> values = new HashMap<>();
        for (String name : known) {
            String fromEnv = env.get(envName(name));
            if (fromEnv != null) {
                values.put(name, fromEnv);
            }
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException(
                        "argument '" + arg + "': expected --name value; known: " + sorted(known));
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("flag --" + name + " has no value");
            }
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown flag --" + name + "; known: " + sorted(known));
            }
            values.put(name, value);
        }
        return new Flags(values);
    }

    /** The environment variable that stands for a flag: {@code link-port} -> {@code ROOMGATE_LINK_PORT}. */
    public static String envName(String flag) {
        return "ROOMGATE_" + flag.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    public String get(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    public int getInt(String name, int defaultValue, int min, int max) {
        String raw = values.get(name);
        if (raw == null) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": '" + raw + "' (expected: an integer)");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException("--" + name + ": " + value + " (expected: " + min + ".." + max + ")");
        }
        return value;
    }

    private static String sorted(Set<String> known) {
        return new TreeSet<>(known).toString();
    }
}
