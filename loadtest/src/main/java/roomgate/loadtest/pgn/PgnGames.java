package roomgate.loadtest.pgn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import roomgate.chess.ChessGame;
import roomgate.chess.IllegalMoveException;
import roomgate.chess.pgn.PgnGame;
import roomgate.chess.pgn.PgnReader;

/** Games read from PGN files and turned into the UCI moves a client sends (SAN -> UCI by the chess module). */
public final class PgnGames {
    private PgnGames() {}

    /** One playable game: where it came from and its moves in UCI. */
    public record Game(String name, List<String> uci) {}

    /**
     * Every game with at least one move from {@code files}, in file order, at most {@code limit}.
     * A game whose moves stop being legal is cut at the last legal one (and still played).
     */
    public static List<Game> read(List<Path> files, int limit) throws IOException {
        List<Game> games = new ArrayList<>();
        for (Path file : files) {
            int index = 0;
            for (PgnGame pgn : PgnReader.readAll(file)) {
                index++;
                if (games.size() >= limit) {
                    return games;
                }
                List<String> uci = toUci(pgn.sanMoves());
                if (!uci.isEmpty()) {
                    String name = file.getFileName() + "#" + index + " " + pgn.tag("White") + " - " + pgn.tag("Black");
                    games.add(new Game(name, uci));
                }
            }
        }
        return games;
    }

    /**
     * Games from a gateway's archive: {@code url} is {@code http://HOST:PORT/games?participant=ID&limit=N}
     * (each game listed is fetched as PGN) or {@code http://HOST:PORT/games/ROOM_ID} (that one game).
     */
    public static List<Game> fromArchive(URI url, int limit) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        String path = url.getPath();
        List<String> roomIds = new ArrayList<>();
        if (path.startsWith("/games/")) {
            roomIds.add(path.substring("/games/".length()));
        } else if (path.equals("/games")) {
            JsonNode list = new ObjectMapper().readTree(fetch(http, url));
            list.path("games").forEach(g -> roomIds.add(g.path("roomId").asText()));
        } else {
            throw new IllegalArgumentException("--from-archive: " + url
                    + " (expected: http://HOST:PORT/games?participant=ID&limit=N or http://HOST:PORT/games/ROOM_ID)");
        }
        List<Game> games = new ArrayList<>();
        for (String roomId : roomIds) {
            if (games.size() >= limit) {
                break;
            }
            URI pgnUrl = url.resolve("/games/" + URLEncoder.encode(roomId, StandardCharsets.UTF_8) + "?format=pgn");
            PgnGame pgn = new PgnReader(new StringReader(fetch(http, pgnUrl))).next();
            List<String> uci = pgn == null ? List.of() : toUci(pgn.sanMoves());
            if (!uci.isEmpty()) {
                games.add(new Game("archive " + roomId + " " + pgn.tag("White") + " - " + pgn.tag("Black"), uci));
            }
        }
        return games;
    }

    private static String fetch(HttpClient http, URI url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + url + ": " + response.statusCode() + " "
                    + response.body().strip());
        }
        return response.body();
    }

    static List<String> toUci(List<String> san) {
        ChessGame game = new ChessGame();
        List<String> uci = new ArrayList<>(san.size());
        for (String move : san) {
            try {
                String u = game.toUci(move);
                game.play(u);
                uci.add(u);
            } catch (IllegalMoveException e) {
                break;
            }
        }
        return uci;
    }
}
