package roomgate.archive;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archive's connection pool (HikariCP) and schema (Flyway, migrations in
 * {@code db/migration}). A pool rather than a connection per write: a node writes a batch every
 * second, a gateway serves reads from several threads, and a connection the database dropped (a
 * restart, an outage) is replaced by the pool instead of by code of ours. Flyway rather than
 * "CREATE TABLE IF NOT EXISTS": the schema has versions, and every process, H2 or PostgreSQL, checks
 * it is at the latest one before it writes or reads.
 *
 * <p>Opening does not need the database to be up: the pool starts empty, and the schema is migrated
 * on first use ({@link #ready()}), so a node starts (and keeps its finished rooms in the cluster)
 * while the database is down.
 */
public final class ArchiveDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ArchiveDatabase.class);

    private final ArchiveSettings settings;
    private final HikariDataSource pool;
    private volatile boolean migrated;

    private ArchiveDatabase(ArchiveSettings settings, HikariDataSource pool) {
        this.settings = settings;
        this.pool = pool;
    }

    /**
     * @param poolSize connections at most (a node's writer needs one; a gateway's readers a few)
     * @param connectTimeout how long a caller waits for a connection before the database counts as down
     */
    public static ArchiveDatabase open(
            ArchiveSettings settings, String poolName, int poolSize, Duration connectTimeout) {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("the archive is off");
        }
        if (settings.jdbcUrl().startsWith("jdbc:h2:")) {
            // H2's AUTO_SERVER listens for the other processes of the run folder and writes its address
            // into the lock file: loopback only, never the machine's other addresses.
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setJdbcUrl(settings.jdbcUrl());
        if (!settings.user().isEmpty()) {
            config.setUsername(settings.user());
        }
        if (!settings.password().isEmpty()) {
            config.setPassword(settings.password());
        }
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(Math.max(250, connectTimeout.toMillis()));
        config.setValidationTimeout(Math.max(250, Math.min(connectTimeout.toMillis(), 5_000)));
        // Start without a connection: a database that is down at start is an outage like any other.
        config.setInitializationFailTimeout(-1);
        return new ArchiveDatabase(settings, new HikariDataSource(config));
    }

    public ArchiveSettings settings() {
        return settings;
    }

    /**
     * The pool, with the schema migrated to the latest version (done once, on the first call that
     * reaches the database).
     *
     * @throws FlywayException if the database cannot be reached or migrated now
     */
    public DataSource ready() {
        if (!migrated) {
            migrate();
        }
        return pool;
    }

    private synchronized void migrate() {
        if (migrated) {
            return;
        }
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (FlywayException first) {
            // Several processes of a run may migrate one new database at once; the loser of that race
            // finds the schema made by the winner on a second look.
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        }
        migrated = true;
        log.info("archive database ready: {}", settings);
    }

    @Override
    public void close() {
        pool.close();
    }
}
