package roomgate.node.room.arena;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import roomgate.protocol.v1.ArenaPlayer;
import roomgate.protocol.v1.ArenaState;

/**
 * The arena game itself: players are discs on a bounded field playing tag, advanced one fixed step
 * at a time. It is pure and deterministic — no clock, no randomness, float arithmetic in a fixed
 * order — so the same joins, inputs and steps always give the same states, bit for bit, which is
 * what makes it testable and replayable. {@link ArenaRoom} drives it; nothing here knows about
 * threads or the network.
 *
 * <p>Rules. A player moves with the velocity its latest input asks for (direction clamped to length
 * 1, times {@link #MAX_SPEED}); discs that overlap are pushed apart; the field's edges stop them. One
 * player is "it": the first to join, or, when "it" leaves, the one with the highest score (the first
 * to join among equals). When "it" runs into another player, that player becomes "it". A dash
 * doubles a player's speed for {@link #DASH_TICKS} ticks and can be used again
 * {@link #DASH_COOLDOWN_TICKS} ticks after it started; a dashing player cannot be tagged. Passing
 * "it" starts a dash for the passer, whatever its cooldown: that is the immunity that keeps "it" from
 * being passed straight back. Every tick that a player is not "it" adds one to its score.
 *
 * <p>Why immunity is a dash: it keeps the whole state of the game inside {@link ArenaState} as the
 * protocol defines it (a dash is visible as {@code dash_cooldown}), so a snapshot restores exactly.
 * For the same reason {@code vx, vy} are the velocity the player moves with (input times speed,
 * including a dash), before the corrections of collisions and edges, and inputs take effect on
 * arrival: the state between two ticks holds nothing that a snapshot would lose.
 */
public final class ArenaWorld {
    public static final int TICKS_PER_SECOND = 30;
    public static final float WIDTH = 100f;
    public static final float HEIGHT = 100f;
    public static final float RADIUS = 2f;
    /** Walking speed at full input, in field units per second. */
    public static final float MAX_SPEED = 15f;
    /** A power of two, so that ending a dash restores the walking velocity exactly. */
    public static final float DASH_FACTOR = 2f;

    public static final int DASH_TICKS = 9;
    public static final int DASH_COOLDOWN_TICKS = 60;
    public static final int MAX_PLAYERS = 16;

    static final float DT = 1f / TICKS_PER_SECOND;
    private static final float MIN_X = RADIUS;
    private static final float MAX_X = WIDTH - RADIUS;
    private static final float MIN_Y = RADIUS;
    private static final float MAX_Y = HEIGHT - RADIUS;
    private static final float CONTACT = 2 * RADIUS;
    /** More passes untangle crowds better; four settle 16 discs well at these speeds. */
    private static final int SEPARATION_PASSES = 4;
    /** Where players appear: the centres of a 4 x 4 grid, the one farthest from everyone first. */
    private static final float[][] SPAWNS = spawnGrid(4);

    /** One player's disc. */
    private static final class Body {
        final String id;
        float x;
        float y;
        float vx;
        float vy;
        boolean it;
        long score;
        long lastInputSequence;
        int dashCooldown;

        Body(String id) {
            this.id = id;
        }

        boolean dashing() {
            return dashCooldown > DASH_COOLDOWN_TICKS - DASH_TICKS;
        }
    }

    private long tick;
    /** In join order, which decides every tie, so iteration order is part of the rules. */
    private final List<Body> bodies = new ArrayList<>();

    public long tick() {
        return tick;
    }

    public int playerCount() {
        return bodies.size();
    }

    public boolean hasPlayer(String id) {
        return find(id) != null;
    }

    /** The input_sequence of the player's latest input, 0 before its first. */
    public long lastInputSequence(String id) {
        return require(id).lastInputSequence;
    }

    /** Places a new player at the free-most spawn point; it is "it" if nobody else is. */
    public void addPlayer(String id) {
        Objects.requireNonNull(id, "id");
        if (find(id) != null) {
            throw new IllegalArgumentException("player " + id + " is already in the arena");
        }
        if (bodies.size() >= MAX_PLAYERS) {
            throw new IllegalArgumentException("players: " + bodies.size() + " (expected: < " + MAX_PLAYERS + ")");
        }
        Body body = new Body(id);
        float[] spawn = freestSpawn();
        body.x = spawn[0];
        body.y = spawn[1];
        bodies.add(body);
        ensureIt();
    }

    public void removePlayer(String id) {
        Body body = find(id);
        if (body != null) {
            bodies.remove(body);
            ensureIt();
        }
    }

    /**
     * A player's input, in effect from the next step until the next input. {@code moveX, moveY} must
     * be finite and in [-1, 1]: {@link ArenaRoom} checks what clients send.
     */
    public void input(String id, float moveX, float moveY, boolean dash, long sequence) {
        if (!(Math.abs(moveX) <= 1f) || !(Math.abs(moveY) <= 1f)) {
            throw new IllegalArgumentException("move: (" + moveX + ", " + moveY + ") (expected: each in [-1, 1])");
        }
        Body body = require(id);
        float lengthSquared = moveX * moveX + moveY * moveY;
        if (lengthSquared > 1f) {
            float length = (float) Math.sqrt(lengthSquared);
            moveX /= length;
            moveY /= length;
        }
        if (dash && body.dashCooldown == 0) {
            body.dashCooldown = DASH_COOLDOWN_TICKS;
        }
        float speed = body.dashing() ? MAX_SPEED * DASH_FACTOR : MAX_SPEED;
        body.vx = moveX * speed;
        body.vy = moveY * speed;
        body.lastInputSequence = sequence;
    }

    /** Advances the world by one tick of 1/{@link #TICKS_PER_SECOND} s. */
    public void step() {
        for (Body b : bodies) {
            b.x = clamp(b.x + b.vx * DT, MIN_X, MAX_X);
            b.y = clamp(b.y + b.vy * DT, MIN_Y, MAX_Y);
        }
        Body tagged = separate();
        for (Body b : bodies) {
            if (b.dashCooldown > 0) {
                boolean wasDashing = b.dashing();
                b.dashCooldown--;
                if (wasDashing && !b.dashing()) {
                    b.vx /= DASH_FACTOR;
                    b.vy /= DASH_FACTOR;
                }
            }
        }
        if (tagged != null) {
            passIt(tagged);
        }
        for (Body b : bodies) {
            if (!b.it) {
                b.score++;
            }
        }
        tick++;
    }

    /**
     * Pushes overlapping discs apart, each half the overlap along the line between their centres,
     * and returns the player "it" tags: of those "it" overlapped after moving (before any pushing),
     * the closest one that is not dashing; null if none.
     */
    private Body separate() {
        Body tagged = null;
        float taggedDistanceSquared = Float.POSITIVE_INFINITY;
        for (int pass = 0; pass < SEPARATION_PASSES; pass++) {
            for (int i = 0; i < bodies.size(); i++) {
                Body a = bodies.get(i);
                for (int j = i + 1; j < bodies.size(); j++) {
                    Body b = bodies.get(j);
                    float dx = b.x - a.x;
                    float dy = b.y - a.y;
                    float distanceSquared = dx * dx + dy * dy;
                    if (distanceSquared >= CONTACT * CONTACT) {
                        continue;
                    }
                    if (pass == 0 && (a.it || b.it)) {
                        Body other = a.it ? b : a;
                        if (!other.dashing() && distanceSquared < taggedDistanceSquared) {
                            tagged = other;
                            taggedDistanceSquared = distanceSquared;
                        }
                    }
                    float distance = (float) Math.sqrt(distanceSquared);
                    float nx = 1f;
                    float ny = 0f;
                    // Exactly on top of each other: the later joiner goes right; any fixed rule would do.
                    if (distance > 0f) {
                        nx = dx / distance;
                        ny = dy / distance;
                    }
                    float push = (CONTACT - distance) / 2f;
                    a.x = clamp(a.x - nx * push, MIN_X, MAX_X);
                    a.y = clamp(a.y - ny * push, MIN_Y, MAX_Y);
                    b.x = clamp(b.x + nx * push, MIN_X, MAX_X);
                    b.y = clamp(b.y + ny * push, MIN_Y, MAX_Y);
                }
            }
        }
        return tagged;
    }

    private void passIt(Body tagged) {
        for (Body b : bodies) {
            if (b.it) {
                b.it = false;
                if (!b.dashing()) {
                    b.vx *= DASH_FACTOR;
                    b.vy *= DASH_FACTOR;
                }
                b.dashCooldown = DASH_COOLDOWN_TICKS;
            }
        }
        tagged.it = true;
    }

    /** With players and nobody "it": the highest score becomes "it", the earliest joiner among equals. */
    private void ensureIt() {
        Body best = null;
        for (Body b : bodies) {
            if (b.it) {
                return;
            }
            if (best == null || b.score > best.score) {
                best = b;
            }
        }
        if (best != null) {
            best.it = true;
        }
    }

    private float[] freestSpawn() {
        float[] best = SPAWNS[0];
        float bestClearance = -1f;
        for (float[] spawn : SPAWNS) {
            float clearance = Float.POSITIVE_INFINITY;
            for (Body b : bodies) {
                float dx = b.x - spawn[0];
                float dy = b.y - spawn[1];
                clearance = Math.min(clearance, dx * dx + dy * dy);
            }
            if (clearance > bestClearance) {
                best = spawn;
                bestClearance = clearance;
            }
        }
        return best;
    }

    /** The whole state, as broadcast every tick and as saved. */
    public ArenaState snapshot() {
        ArenaState.Builder state =
                ArenaState.newBuilder().setTick(tick).setWidth(WIDTH).setHeight(HEIGHT);
        for (Body b : bodies) {
            state.addPlayers(ArenaPlayer.newBuilder()
                    .setParticipantId(b.id)
                    .setX(b.x)
                    .setY(b.y)
                    .setVx(b.vx)
                    .setVy(b.vy)
                    .setIt(b.it)
                    .setScore(b.score)
                    .setLastInputSequence(b.lastInputSequence)
                    .setDashCooldown(b.dashCooldown));
        }
        return state.build();
    }

    /**
     * The world a {@link #snapshot()} describes; it continues exactly as the original would.
     *
     * @throws IllegalArgumentException if the state is not one this world could have been in
     */
    public static ArenaWorld restore(ArenaState state) {
        Objects.requireNonNull(state, "state");
        if (state.getWidth() != WIDTH || state.getHeight() != HEIGHT) {
            throw new IllegalArgumentException("field: " + state.getWidth() + " x " + state.getHeight() + " (expected: "
                    + WIDTH + " x " + HEIGHT + ")");
        }
        if (state.getPlayersCount() > MAX_PLAYERS) {
            throw new IllegalArgumentException(
                    "players: " + state.getPlayersCount() + " (expected: <= " + MAX_PLAYERS + ")");
        }
        ArenaWorld world = new ArenaWorld();
        world.tick = state.getTick();
        Set<String> ids = new HashSet<>();
        int its = 0;
        for (ArenaPlayer p : state.getPlayersList()) {
            if (!ids.add(p.getParticipantId())) {
                throw new IllegalArgumentException("player " + p.getParticipantId() + " appears twice");
            }
            if (!(p.getX() >= MIN_X && p.getX() <= MAX_X && p.getY() >= MIN_Y && p.getY() <= MAX_Y)) {
                throw new IllegalArgumentException("player " + p.getParticipantId() + " at (" + p.getX() + ", "
                        + p.getY() + ") (expected: within [" + MIN_X + ", " + MAX_X + "] x [" + MIN_Y + ", " + MAX_Y
                        + "])");
            }
            if (!Float.isFinite(p.getVx()) || !Float.isFinite(p.getVy())) {
                throw new IllegalArgumentException("player " + p.getParticipantId() + " velocity is not finite");
            }
            if (p.getDashCooldown() > DASH_COOLDOWN_TICKS) {
                throw new IllegalArgumentException("player " + p.getParticipantId() + " dash_cooldown: "
                        + p.getDashCooldown() + " (expected: <= " + DASH_COOLDOWN_TICKS + ")");
            }
            Body body = new Body(p.getParticipantId());
            body.x = p.getX();
            body.y = p.getY();
            body.vx = p.getVx();
            body.vy = p.getVy();
            body.it = p.getIt();
            body.score = p.getScore();
            body.lastInputSequence = p.getLastInputSequence();
            body.dashCooldown = p.getDashCooldown();
            its += body.it ? 1 : 0;
            world.bodies.add(body);
        }
        if (its > 1) {
            throw new IllegalArgumentException(its + " players are it (expected: at most 1)");
        }
        world.ensureIt();
        return world;
    }

    private Body find(String id) {
        for (Body b : bodies) {
            if (b.id.equals(id)) {
                return b;
            }
        }
        return null;
    }

    private Body require(String id) {
        Body body = find(id);
        if (body == null) {
            throw new IllegalArgumentException("no player " + id + " in the arena");
        }
        return body;
    }

    private static float clamp(float value, float min, float max) {
        return Math.max(min, Math.min(max, value));
    }

    private static float[][] spawnGrid(int n) {
        float[][] points = new float[n * n][];
        for (int row = 0; row < n; row++) {
            for (int col = 0; col < n; col++) {
                points[row * n + col] = new float[] {WIDTH * (col + 0.5f) / n, HEIGHT * (row + 0.5f) / n};
            }
        }
        return points;
    }
}
