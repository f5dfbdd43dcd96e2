package roomgate.loadtest.bench;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import roomgate.loadtest.pgn.PgnGames;

/** Hands out real games (UCI moves) round-robin, longest first, so that rooms rotate to a new game rarely. */
final class GameSource {
    private final List<List<String>> games;
    private final AtomicInteger next;

    GameSource(List<PgnGames.Game> games, int start) {
        if (games.isEmpty()) {
            throw new IllegalArgumentException("no games to play (expected: PGN files with at least one game)");
        }
        this.games = games.stream()
                .map(PgnGames.Game::uci)
                .sorted((a, b) -> Integer.compare(b.size(), a.size()))
                .toList();
        this.next = new AtomicInteger(start);
    }

    List<String> next() {
        return games.get(Math.floorMod(next.getAndIncrement(), games.size()));
    }

    List<String> longest() {
        return games.get(0);
    }
}
