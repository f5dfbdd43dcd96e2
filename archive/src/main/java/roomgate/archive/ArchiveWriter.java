package roomgate.archive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.api.FlywayException;

/**
 * Writes finished games, a batch per transaction. Idempotent: a game already in the archive (same
 * room id and start) is left as it is and reported as {@link Outcome#ALREADY_ARCHIVED}, so a room
 * archived twice (by two nodes around a failover, or again after a write whose commit answer was
 * lost) is one row. Portable SQL only ({@code INSERT ... SELECT ... WHERE NOT EXISTS}), every value a
 * parameter.
 *
 * <p>A batch the database refuses because of one row (a constraint, a value too long: SQL states of
 * class 22 and 23) is written again row by row, so that row alone is {@link Outcome#REFUSED} and the
 * others are written. Any other failure means the database cannot be used now: {@link #write}
 * throws {@link ArchiveUnavailableException} and the caller keeps the whole batch for later.
 */
public final class ArchiveWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INSERT_GAME = "INSERT INTO archived_game (room_id, started_ms, ended_ms, game_type,"
            + " result, termination, white_id, black_id, move_count, pgn, body, archived_by, archived_ms)"
            + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS"
            + " (SELECT 1 FROM archived_game WHERE room_id = ? AND started_ms = ?)";
    private static final String INSERT_PARTICIPANT = "INSERT INTO archived_participant (participant_id, room_id,"
            + " started_ms, ended_ms, seat) SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS"
            + " (SELECT 1 FROM archived_participant WHERE participant_id = ? AND room_id = ? AND started_ms = ?)";

    /** What became of one game. */
    public enum Outcome {
        WRITTEN,
        ALREADY_ARCHIVED,
        /** The database refused this row for good; retrying will not help. */
        REFUSED
    }

    /** Outcomes in the order of the batch, and for refused games the database's reason. */
    public record Result(Map<ArchivedGame, Outcome> outcomes, Map<ArchivedGame, String> reasons) {}

    private final ArchiveDatabase database;
    private final String writerId;

    /** @param writerId who writes (a node id), kept with each row */
    public ArchiveWriter(ArchiveDatabase database, String writerId) {
        this.database = database;
        this.writerId = writerId;
    }

    public Result write(List<ArchivedGame> games) throws ArchiveUnavailableException {
        Map<ArchivedGame, Outcome> outcomes = new LinkedHashMap<>();
        Map<ArchivedGame, String> reasons = new LinkedHashMap<>();
        if (games.isEmpty()) {
            return new Result(outcomes, reasons);
        }
        try (Connection connection = database.ready().getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<Outcome> batch = insert(connection, games);
                connection.commit();
                for (int i = 0; i < games.size(); i++) {
                    outcomes.put(games.get(i), batch.get(i));
                }
                return new Result(outcomes, reasons);
            } catch (SQLException e) {
                rollback(connection);
                if (!refusesRow(e)) {
                    throw e;
                }
            }
            // One row spoiled the batch: each on its own, to find it and keep the others.
            for (ArchivedGame game : games) {
                try {
                    outcomes.put(game, insert(connection, List.of(game)).get(0));
                    connection.commit();
                } catch (SQLException e) {
                    rollback(connection);
                    if (!refusesRow(e)) {
                        throw e;
                    }
                    outcomes.put(game, isDuplicateKey(e) ? Outcome.ALREADY_ARCHIVED : Outcome.REFUSED);
                    if (!isDuplicateKey(e)) {
                        reasons.put(game, reason(e));
                    }
                }
            }
            return new Result(outcomes, reasons);
        } catch (SQLException | FlywayException e) {
            throw new ArchiveUnavailableException(e);
        }
    }

    private List<Outcome> insert(Connection connection, List<ArchivedGame> games) throws SQLException {
        long now = System.currentTimeMillis();
        List<Outcome> result = new ArrayList<>(games.size());
        try (PreparedStatement game = connection.prepareStatement(INSERT_GAME);
                PreparedStatement participant = connection.prepareStatement(INSERT_PARTICIPANT)) {
            boolean anyParticipant = false;
            for (ArchivedGame g : games) {
                int i = 1;
                game.setString(i++, g.roomId());
                game.setLong(i++, g.startedMs());
                game.setLong(i++, g.endedMs());
                game.setString(i++, g.gameType());
                game.setString(i++, g.result());
                game.setString(i++, g.termination());
                game.setString(i++, g.playerAt("WHITE"));
                game.setString(i++, g.playerAt("BLACK"));
                game.setInt(i++, g.moves().size());
                game.setString(i++, g.pgn());
                game.setString(i++, json(g));
                game.setString(i++, writerId);
                game.setLong(i++, now);
                game.setString(i++, g.roomId());
                game.setLong(i, g.startedMs());
                game.addBatch();
                for (ArchivedGame.Participant p : g.participants()) {
                    int j = 1;
                    participant.setString(j++, p.participantId());
                    participant.setString(j++, g.roomId());
                    participant.setLong(j++, g.startedMs());
                    participant.setLong(j++, g.endedMs());
                    participant.setString(j++, p.seat());
                    participant.setString(j++, p.participantId());
                    participant.setString(j++, g.roomId());
                    participant.setLong(j, g.startedMs());
                    participant.addBatch();
                    anyParticipant = true;
                }
            }
            int[] counts = game.executeBatch();
            if (anyParticipant) {
                participant.executeBatch();
            }
            for (int count : counts) {
                // SUCCESS_NO_INFO (-2) would be a driver that does not count; both ours count.
                result.add(count == 0 ? Outcome.ALREADY_ARCHIVED : Outcome.WRITTEN);
            }
        }
        return result;
    }

    static String json(ArchivedGame game) {
        try {
            return JSON.writeValueAsString(game);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write game " + game.roomId() + " as JSON", e);
        }
    }

    /** A constraint or a value the database will never take (SQL state classes 22 and 23). */
    static boolean refusesRow(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            String state = s.getSQLState();
            if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                return true;
            }
            if (s.getNextException() == s) {
                break;
            }
        }
        return false;
    }

    /** Two writers inserted the same game at once: the other one's row is the game. */
    private static boolean isDuplicateKey(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if ("23505".equals(s.getSQLState())) {
                return true;
            }
            if (s.getNextException() == s) {
                break;
            }
        }
        return false;
    }

    /**
     * The database's own words for a refused row, short: a driver's batch message repeats the whole
     * statement with its values (a game's body, up to a megabyte), which has no place in a log line.
     */
    static String reason(SQLException e) {
        SQLException cause = e;
        while (cause.getNextException() != null && cause.getNextException() != cause) {
            cause = cause.getNextException();
        }
        String message = String.valueOf(cause.getMessage());
        int sql = message.indexOf("; SQL statement:");
        if (sql > 0) {
            message = message.substring(0, sql);
        }
        return cause.getSQLState() + " " + (message.length() > 300 ? message.substring(0, 300) + "..." : message);
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The connection is broken; the pool replaces it, and the caller learns from the first failure.
        }
    }
}
