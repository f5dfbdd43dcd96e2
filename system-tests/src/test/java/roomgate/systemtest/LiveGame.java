package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import roomgate.client.RoomgateClient;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.ServerMessage;

/**
 * A chess game played through the gateways by two clients while faults happen, keeping the moves
 * the server acknowledged (the mover received its move back as an event). A move that is not
 * acknowledged is retried until it is — or until the event stream shows it was applied after all —
 * so the test can check afterwards that every acknowledged move is there exactly once, in order.
 */
final class LiveGame {
    final String roomId;
    private final RoomgateClient[] players;
    private final List<String> plan;
    /** Written by the thread playing the game, read by the test's thread while it plays. */
    private final List<String> acked = new CopyOnWriteArrayList<>();

    private int attempts;
    private volatile int outcomeUnknown;
    /** What the last failed try got: for the message of a test that gives up. */
    private volatile String lastProblem = "";

    LiveGame(String roomId, RoomgateClient white, RoomgateClient black, List<String> plan) {
        this.roomId = roomId;
        this.players = new RoomgateClient[] {white, black};
        this.plan = plan;
    }

    RoomgateClient white() {
        return players[0];
    }

    RoomgateClient black() {
        return players[1];
    }

    /** Swaps in a reconnected client for a side (after its gateway was lost). */
    void replace(int side, RoomgateClient client) {
        players[side] = client;
    }

    List<String> acked() {
        return acked;
    }

    /** Whether more than {@code plies} planned moves are left to play. */
    boolean hasMoreThan(int plies) {
        return plan.size() - acked.size() > plies;
    }

    /** The ply count this game will reach at most: its plan, or {@code plies} more moves. */
    int targetAfter(int plies) {
        return Math.min(plan.size(), acked.size() + plies);
    }

    /**
     * Plays the next planned move, retrying until the server acknowledges it or {@code deadline}
     * passes; returns false on the deadline.
     */
    boolean playNext(Duration perTry, long deadlineNanos) throws InterruptedException {
        int ply = acked.size();
        RoomgateClient mover = players[ply % 2];
        String uci = plan.get(ply);
        while (System.nanoTime() < deadlineNanos) {
            try {
                ServerMessage answer = sendNext(perTry);
                if (answer.hasEvent()) {
                    acked.add(uci);
                    return true;
                }
                ErrorCode code = answer.getError().getCode();
                if (code == ErrorCode.NOT_YOUR_TURN || code == ErrorCode.ILLEGAL_MOVE) {
                    lastProblem += "; mover saw "
                            + events(mover).stream()
                                    .map(e -> e.getSequence()
                                            + (e.hasMoveMade()
                                                    ? ":" + e.getMoveMade().getUci()
                                                    : ""))
                                    .toList()
                            + ", other saw "
                            + events(players[(ply + 1) % 2]).stream()
                                    .map(e -> e.getSequence()
                                            + (e.hasMoveMade()
                                                    ? ":" + e.getMoveMade().getUci()
                                                    : ""))
                                    .toList()
                            + ", mover's other messages "
                            + mover.received().stream()
                                    .filter(m -> !m.hasEvent())
                                    .map(m -> m.getBodyCase().toString())
                                    .toList();
                    // An earlier try of this very move was applied, and its answer was lost with the fault.
                    if (seenMoves(mover).size() > ply) {
                        acked.add(uci);
                        return true;
                    }
                }
                lastProblem = code + ": " + answer.getError().getMessage();
                if (code == ErrorCode.OUTCOME_UNKNOWN) {
                    outcomeUnknown++;
                }
                assertThat(code)
                        .as(
                                "refusal of %s in %s: %s",
                                uci, roomId, answer.getError().getMessage())
                        .isIn(
                                ErrorCode.ROOM_UNAVAILABLE,
                                ErrorCode.NOT_IN_ROOM,
                                ErrorCode.NOT_YOUR_TURN,
                                ErrorCode.OUTCOME_UNKNOWN);
            } catch (TimeoutException e) {
                lastProblem = "no answer within " + perTry + " (try " + attempts + ")";
                if (seenMoves(mover).size() > ply) {
                    acked.add(uci);
                    return true;
                }
            } catch (IllegalStateException closed) {
                lastProblem = "client: " + closed.getMessage();
                return false;
            }
            // A retrying client's pause: the fault that refused this try needs a moment to pass.
            Thread.sleep(50);
        }
        return false;
    }

    /** How many tries were answered OUTCOME_UNKNOWN: they were with a node when it was lost. */
    /** Sends the next planned move once and returns its answer: the move's event, or an error. */
    ServerMessage sendNext(Duration timeout) throws TimeoutException, InterruptedException {
        int ply = acked.size();
        String requestId = roomId + "/" + ply + "/" + (attempts++);
        RoomgateClient mover = players[ply % 2];
        mover.send(ClientMessage.newBuilder()
                .setRequestId(requestId)
                .setMove(ChessMove.newBuilder().setRoomId(roomId).setUci(plan.get(ply)))
                .build());
        return mover.await(m -> m.getRequestId().equals(requestId), timeout);
    }

    int outcomeUnknown() {
        return outcomeUnknown;
    }

    String lastProblem() {
        return lastProblem;
    }

    /** The moves this client has seen in the room, in the order it saw them. */
    /**
     * The moves {@code client} knows were made: its last join's state (a client told its room was lost
     * joins again and learns there whether a move answered OUTCOME_UNKNOWN was kept), then the events
     * after it.
     */
    List<String> seenMoves(RoomgateClient client) {
        List<String> moves = new ArrayList<>();
        long after = 0;
        List<ServerMessage> received = client.received();
        for (ServerMessage m : received) {
            if (m.hasJoined() && m.getJoined().getRoomId().equals(roomId)) {
                moves = new ArrayList<>(m.getJoined().getState().getChess().getUciMovesList());
                after = m.getJoined().getLastSequence();
            } else if (m.hasEvent()
                    && m.getEvent().getRoomId().equals(roomId)
                    && m.getEvent().hasMoveMade()
                    && m.getEvent().getSequence() > after) {
                moves.add(m.getEvent().getMoveMade().getUci());
            }
        }
        return moves;
    }

    List<RoomEvent> events(RoomgateClient client) {
        return client.received().stream()
                .filter(ServerMessage::hasEvent)
                .map(ServerMessage::getEvent)
                .filter(e -> e.getRoomId().equals(roomId))
                .toList();
    }
}
