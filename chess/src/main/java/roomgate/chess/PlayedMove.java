package roomgate.chess;

/**
 * What {@link ChessGame#play(String)} reports about an accepted move: the move in UCI and SAN,
 * the FEN after it, the game status after it and who made it; enough for a server to broadcast
 * the move to a room without querying the game again.
 */
public record PlayedMove(String uci, String san, String fenAfter, GameStatus statusAfter, Color mover) {}
