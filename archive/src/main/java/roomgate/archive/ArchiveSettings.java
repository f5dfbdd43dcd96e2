package roomgate.archive;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Where the archive is: a JDBC URL and its credentials. The URL may be given on the command line;
 * the user and password never are (a command line is visible to every user of the machine in
 * {@code ps}): they come from the environment ({@code ROOMGATE_ARCHIVE_USER},
 * {@code ROOMGATE_ARCHIVE_PASSWORD}) or from a properties file ({@code user=}, {@code password=}),
 * whose path may be on the command line. {@link #OFF} (URL "none") turns the archive off.
 */
public record ArchiveSettings(String jdbcUrl, String user, String password) {
    /** The embedded default: an H2 database file in the process's working directory (the run folder). */
    public static final String DEFAULT_FILE = "roomgate-archive";

    public static final ArchiveSettings OFF = new ArchiveSettings("none", "", "");

    public boolean enabled() {
        return !jdbcUrl.equals("none");
    }

    /** The embedded default's URL for a database file {@code base} (without the .mv.db suffix). */
    public static String h2File(Path base) {
        // AUTO_SERVER: the nodes and gateways of one run folder open the same file; the first opens it
        // and serves it to the others over loopback (see ArchiveDatabase for the bind address).
        return "jdbc:h2:file:" + base.toAbsolutePath() + ";AUTO_SERVER=TRUE";
    }

    /**
     * @param jdbcUrl {@code --archive-jdbc-url}: null for the embedded default, "none" for no archive
     * @param credentialsFile {@code --archive-credentials-file}, or null
     */
    public static ArchiveSettings resolve(String jdbcUrl, String credentialsFile, Map<String, String> env) {
        String url = jdbcUrl == null || jdbcUrl.isBlank() ? h2File(Path.of(DEFAULT_FILE)) : jdbcUrl;
        if (url.equals("none")) {
            return OFF;
        }
        if (!url.startsWith("jdbc:")) {
            throw new IllegalArgumentException("--archive-jdbc-url: '" + url + "' (expected: jdbc:... or none)");
        }
        String user = env.getOrDefault("ROOMGATE_ARCHIVE_USER", "");
        String password = env.getOrDefault("ROOMGATE_ARCHIVE_PASSWORD", "");
        if (credentialsFile != null && !credentialsFile.isBlank()) {
            Properties file = new Properties();
            try (Reader in = Files.newBufferedReader(Path.of(credentialsFile))) {
                file.load(in);
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "--archive-credentials-file: cannot read " + credentialsFile + ": " + e);
            }
            user = file.getProperty("user", user);
            password = file.getProperty("password", password);
        }
        return new ArchiveSettings(url, user, password);
    }

    /** The URL with nothing secret in it, for logs and the ready line. */
    @Override
    public String toString() {
        return enabled() ? jdbcUrl + " (user " + (user.isEmpty() ? "-" : user) + ")" : "none";
    }
}
