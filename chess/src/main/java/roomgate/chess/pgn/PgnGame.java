package roomgate.chess.pgn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One game read from PGN: its tag pairs (in file order), its main-line SAN moves (variations,
 * comments, NAGs, move numbers and !? annotations removed; + and # kept as written) and its
 * result token ("1-0", "0-1", "1/2-1/2" or "*").
 */
public record PgnGame(Map<String, String> tags, List<String> sanMoves, String result) {
    public PgnGame {
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        sanMoves = List.copyOf(sanMoves);
    }

    /** A tag's value, or null if the tag is absent. */
    public String tag(String name) {
        return tags.get(name);
    }
}
