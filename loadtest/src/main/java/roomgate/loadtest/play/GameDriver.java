package roomgate.loadtest.play;

import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Supplier;
import roomgate.client.RoomgateClient;
import roomgate.loadtest.measure.RoomWatch;
import roomgate.loadtest.measure.RunStats;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;

/**
 * Plays one game in one room with two connections. A move is sent when it is due and its mover
 * has seen the move before it: sending earlier would only be refused as out of turn, since the
 * two players' requests travel separate connections and may overtake each other. Its latency
 * still counts from when it was due, so a stalled target shows as latency, not as fewer sends.
 * Moves fall due on a schedule ({@link #due}, open loop) or, in closed loop, the moment the mover
 * sees the previous move. Called from a pacer thread and the clients' event loops; state is
 * guarded by this object's lock, and nothing outside it is called while holding it.
 */
public final class GameDriver {
    /** One of the two players: its connection and the name its listener gives the room watch. */
    public record Player(RoomgateClient client, Object participant) {}

    private final RoomWatch watch;
    private final Player white;
    private final Player black;
    private final List<String> moves;
    private final boolean closedLoop;
    private final Supplier<RunStats> stats;
    private final Supplier<String> requestIds;
    private final Runnable lastMoveSent;
    private final ArrayDeque<Long> due = new ArrayDeque<>();
    private int ply;
    private boolean waiting;
    private boolean stopped;

    /**
     * @param lastMoveSent called once the game's last move has gone out, outside this driver's lock
     *     (it may take the caller's own lock, which the caller holds while calling {@link #due})
     */
    public GameDriver(
            RoomWatch watch,
            Player white,
            Player black,
            List<String> moves,
            boolean closedLoop,
            Supplier<RunStats> stats,
            Supplier<String> requestIds,
            Runnable lastMoveSent) {
        this.watch = watch;
        this.white = white;
        this.black = black;
        this.moves = moves;
        this.closedLoop = closedLoop;
        this.stats = stats;
        this.requestIds = requestIds;
        this.lastMoveSent = lastMoveSent;
    }

    /** Closed loop: the first move is due now. */
    public void start() {
        if (closedLoop) {
            addDue(System.nanoTime());
        }
    }

    /** Open loop: a move falls due; {@code intendedNanos} is when the schedule wanted it sent. */
    public void due(long intendedNanos) {
        if (!closedLoop) {
            addDue(intendedNanos);
        }
    }

    private void addDue(long intendedNanos) {
        Next next;
        synchronized (this) {
            if (stopped) {
                return;
            }
            due.add(intendedNanos);
            next = trySend();
        }
        next.run();
    }

    /**
     * What to do once the lock is released: nothing, tell the owner the game is out, or wait for a
     * participant to see a move. Both call out to code that takes other locks (the owner's, the
     * watch's, and through the watch possibly this one again), so never under this lock.
     */
    private record Next(Runnable action) {
        static final Next NOTHING = new Next(() -> {});

        void run() {
            action.run();
        }
    }

    public synchronized void stop() {
        stopped = true;
        due.clear();
    }

    public RoomWatch watch() {
        return watch;
    }

    /** Sends what is due and may go, under the lock; returns what to do after releasing it. */
    private Next trySend() {
        while (!stopped && !waiting && !due.isEmpty() && ply < moves.size()) {
            Player mover = ply % 2 == 0 ? white : black;
            if (watch.movesSeenBy(mover.participant()) < ply) {
                waiting = true;
                int count = ply;
                return new Next(() -> watch.whenSeen(mover.participant(), count, () -> resume(null)));
            }
            long intended = due.poll();
            String requestId = requestIds.get();
            watch.moveSent(requestId, intended);
            RunStats s = stats.get();
            s.moveSent();
            s.sent();
            mover.client()
                    .send(ClientMessage.newBuilder()
                            .setRequestId(requestId)
                            .setMove(ChessMove.newBuilder()
                                    .setRoomId(watch.roomId())
                                    .setUci(moves.get(ply)))
                            .build());
            ply++;
            if (ply == moves.size()) {
                return new Next(lastMoveSent);
            }
            if (closedLoop) {
                // The next mover moves the moment it sees this move: that moment is when it is due.
                Player next = ply % 2 == 0 ? white : black;
                waiting = true;
                int count = ply;
                return new Next(() -> watch.whenSeen(next.participant(), count, () -> resume(System.nanoTime())));
            }
        }
        return Next.NOTHING;
    }

    /** The awaited move was seen; in closed loop {@code dueNow} is when the next move fell due. */
    private void resume(Long dueNow) {
        Next next;
        synchronized (this) {
            waiting = false;
            if (dueNow != null && !stopped) {
                due.add(dueNow);
            }
            next = trySend();
        }
        next.run();
    }
}
