package roomgate.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.flywaydb.core.api.FlywayException;

/**
 * Reads finished games back (the gateway's {@code GET /games}). Blocking JDBC: callers run it on
 * their own executor, never on an event loop. Every value is a parameter.
 */
public final class ArchiveReader {
    public static final int MAX_LIMIT = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ArchiveDatabase database;

    public ArchiveReader(ArchiveDatabase database) {
        this.database = database;
    }

    /** The latest game played in room {@code roomId} (a room id can be used again after its game is archived). */
    public Optional<ArchivedGame> game(String roomId) throws ArchiveUnavailableException {
        try (Connection c = database.ready().getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT body FROM archived_game WHERE room_id = ? ORDER BY started_ms DESC LIMIT 1")) {
            s.setString(1, roomId);
            try (ResultSet rows = s.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(JSON.readValue(rows.getString(1), ArchivedGame.class));
            }
        } catch (SQLException | FlywayException e) {
            throw new ArchiveUnavailableException(e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("room " + roomId + ": archived body is not a game", e);
        }
    }

    /** The game as the archive's JSON (the same shape as {@link ArchivedGame}). */
    public static String toJson(ArchivedGame game) {
        return ArchiveWriter.json(game);
    }

    /**
     * The games {@code participantId} was in, newest (by end) first, at most {@code limit}: a JSON
     * array of summaries, empty if the archive knows no such participant.
     */
    public ArrayNode gamesOf(String participantId, int limit) throws ArchiveUnavailableException {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: 1.." + MAX_LIMIT + ")");
        }
        ArrayNode games = JSON.createArrayNode();
        try (Connection c = database.ready().getConnection();
                PreparedStatement s = c.prepareStatement("SELECT g.room_id, g.started_ms, g.ended_ms, g.game_type,"
                        + " g.result, g.termination, g.white_id, g.black_id, g.move_count, p.seat"
                        + " FROM archived_participant p JOIN archived_game g"
                        + " ON g.room_id = p.room_id AND g.started_ms = p.started_ms"
                        + " WHERE p.participant_id = ? ORDER BY p.ended_ms DESC, g.room_id LIMIT ?")) {
            s.setString(1, participantId);
            s.setInt(2, limit);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    ObjectNode game = games.addObject();
                    game.put("roomId", rows.getString(1));
                    game.put("startedMs", rows.getLong(2));
                    game.put("endedMs", rows.getLong(3));
                    game.put("gameType", rows.getString(4));
                    game.put("result", rows.getString(5));
                    game.put("termination", rows.getString(6));
                    game.put("white", rows.getString(7));
                    game.put("black", rows.getString(8));
                    game.put("moves", rows.getInt(9));
                    game.put("seat", rows.getString(10));
                }
            }
        } catch (SQLException | FlywayException e) {
            throw new ArchiveUnavailableException(e);
        }
        return games;
    }
}
