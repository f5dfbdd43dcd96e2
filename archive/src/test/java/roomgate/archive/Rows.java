package roomgate.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/** Counts rows straight from the database. */
final class Rows {
    private Rows() {}

    static void assertCounts(ArchiveDatabase db, int games, int participants) throws Exception {
        try (Connection c = db.ready().getConnection();
                Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM archived_game")) {
                r.next();
                assertThat(r.getInt(1)).as("games").isEqualTo(games);
            }
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM archived_participant")) {
                r.next();
                assertThat(r.getInt(1)).as("participants").isEqualTo(participants);
            }
        }
    }
}
