package roomgate.loadtest.replay;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import roomgate.chess.ChessGame;
import roomgate.chess.Color;
import roomgate.chess.IllegalMoveException;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Role;

/**
 * Re-derives the final chess state of every recorded room from the recorded client messages,
 * under the same rules the node applies: the first join creates the room with its game type; a
 * player gets the side asked for if free (either free side if none asked for); only the seated
 * player whose turn it is may move, and only legally, until the game ends; leaving or
 * disconnecting frees a seat. A refused request changes nothing, as on the node.
 *
 * <p>Why re-derive rather than record the state: the gateway passes room events through as bytes
 * and never parses them; recording outcomes would mean parsing every broadcast on the event loops.
 * The recorded requests determine a chess game completely, given its rules (docs/RECORDING.md).
 * Rooms of other game types get no outcome and are not compared.
 */
public final class ExpectedOutcomes {
    private ExpectedOutcomes() {}

    /** One chess room as the model sees it. */
    private static final class Model {
        final ChessGame game = new ChessGame();
        final Map<RecordedTraffic.ClientKey, Role> members = new HashMap<>();
        RecordedTraffic.ClientKey white;
        RecordedTraffic.ClientKey black;

        void join(RecordedTraffic.ClientKey who, JoinRoom join) {
            if (members.containsKey(who) || join.getGameType() != GameType.CHESS) {
                return;
            }
            if (join.getRole() == Role.SPECTATOR) {
                members.put(who, Role.SPECTATOR);
                return;
            }
            switch (join.getSide()) {
                case WHITE -> {
                    if (white != null) {
                        return;
                    }
                    white = who;
                }
                case BLACK -> {
                    if (black != null) {
                        return;
                    }
                    black = who;
                }
                default -> {
                    if (white == null) {
                        white = who;
                    } else if (black == null) {
                        black = who;
                    } else {
                        return;
                    }
                }
            }
            members.put(who, Role.PLAYER);
        }

        void leave(RecordedTraffic.ClientKey who) {
            members.remove(who);
            if (who.equals(white)) {
                white = null;
            }
            if (who.equals(black)) {
                black = null;
            }
        }

        void move(RecordedTraffic.ClientKey who, String uci) {
            if (game.status().isOver()) {
                return;
            }
            RecordedTraffic.ClientKey toMove = game.sideToMove() == Color.WHITE ? white : black;
            if (!who.equals(toMove)) {
                return;
            }
            try {
                game.play(uci);
            } catch (IllegalMoveException refused) {
                // The node refuses it too (ILLEGAL_MOVE) and the game goes on unchanged.
            }
        }

        /** A player's draw claim ends the game when threefold repetition or fifty moves hold, as on the node. */
        void claimDraw(RecordedTraffic.ClientKey who) {
            if (game.status().isOver() || !(who.equals(white) || who.equals(black))) {
                return;
            }
            try {
                game.claimDraw();
            } catch (IllegalMoveException refused) {
                // NO_DRAW_TO_CLAIM on the node too; the game goes on.
            }
        }

        ChessOutcome outcome() {
            String winner =
                    game.winner().map(c -> c == Color.WHITE ? "WHITE" : "BLACK").orElse("SIDE_UNSPECIFIED");
            return new ChessOutcome(game.uciMoves(), game.fen(), game.status().name(), winner);
        }
    }

    /** The final state of every recorded chess room, by recorded room ID, in order of first appearance. */
    public static Map<String, ChessOutcome> derive(RecordedTraffic traffic) {
        Map<String, Model> rooms = new LinkedHashMap<>();
        Map<String, Boolean> isChess = new HashMap<>();
        for (RecordedTraffic.Entry e : traffic.entries()) {
            RecordedTraffic.ClientKey who = e.client();
            if (e.record().hasSessionEnded()) {
                rooms.values().forEach(m -> m.leave(who));
                continue;
            }
            if (!e.record().hasMessage()) {
                continue;
            }
            String roomId = e.record().getRoomId();
            ClientMessage message = e.record().getMessage();
            if (message.hasJoin() && !isChess.containsKey(roomId)) {
                // The first join creates the room; a join without a known game type creates nothing.
                GameType type = message.getJoin().getGameType();
                if (type == GameType.CHESS) {
                    isChess.put(roomId, true);
                    rooms.put(roomId, new Model());
                } else if (type != GameType.GAME_TYPE_UNSPECIFIED && type != GameType.UNRECOGNIZED) {
                    isChess.put(roomId, false);
                }
            }
            Model model = rooms.get(roomId);
            if (model == null) {
                continue;
            }
            switch (message.getBodyCase()) {
                case JOIN -> model.join(who, message.getJoin());
                case LEAVE -> model.leave(who);
                case MOVE -> model.move(who, message.getMove().getUci());
                case CLAIM_DRAW -> model.claimDraw(who);
                default -> {}
            }
        }
        Map<String, ChessOutcome> outcomes = new LinkedHashMap<>();
        rooms.forEach((roomId, model) -> outcomes.put(roomId, model.outcome()));
        return outcomes;
    }
}
