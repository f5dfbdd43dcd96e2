package roomgate.gateway.routing;

import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Values by session id, for an event loop's per-message lookups: open addressing over two arrays,
 * so a lookup boxes no {@code Long} and follows no node. A key's home slot is the top bits of the
 * id times 2^64 / phi (Fibonacci hashing), which spreads any arithmetic run of ids over the whole
 * table: the ids of one loop's sessions are every n-th of the gateway's when connections are
 * dealt to n loops, and Java's {@code Long.hashCode} with a power-of-two table would put such a run
 * in one slot in n (and a probe sequence then walks the rest). Linear probing; removal shifts the
 * following entries back, so there are no tombstones and a lookup stops at the first empty slot.
 * Confined to one thread; null values are not allowed (null means absent).
 */
final class SessionIdMap<V> {
    private static final long PHI = 0x9E3779B97F4A7C15L;
    private static final int MIN_CAPACITY = 16;

    private long[] keys;
    private Object[] values;
    /** 64 minus log2 of the capacity: a key's home slot is its mixed bits shifted right by this. */
    private int shift;

    private int size;

    SessionIdMap() {
        allocate(MIN_CAPACITY);
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Where {@code key} starts probing: the top bits of its product with 2^64 / phi. */
    private int home(long key) {
        return (int) ((key * PHI) >>> shift);
    }

    /** Slots a lookup of {@code key} looks at, itself included if present (tests). */
    int probeLength(long key) {
        int mask = keys.length - 1;
        int slots = 1;
        for (int i = home(key); values[i] != null && keys[i] != key; i = (i + 1) & mask) {
            slots++;
        }
        return slots;
    }

    @SuppressWarnings("unchecked")
    V get(long key) {
        int mask = keys.length - 1;
        for (int i = home(key); ; i = (i + 1) & mask) {
            Object value = values[i];
            if (value == null || keys[i] == key) {
                return (V) value;
            }
        }
    }

    /** Maps {@code key} to {@code value}; returns the value it replaced, or null. */
    @SuppressWarnings("unchecked")
    V put(long key, V value) {
        Objects.requireNonNull(value, "value");
        int mask = keys.length - 1;
        int i = home(key);
        for (; values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == key) {
                V before = (V) values[i];
                values[i] = value;
                return before;
            }
        }
        keys[i] = key;
        values[i] = value;
        // At most half full: probe sequences stay short even for an unlucky set of ids.
        if (++size > keys.length >> 1) {
            resize(keys.length << 1);
        }
        return null;
    }

    /** Removes {@code key}; returns its value, or null if it had none. */
    @SuppressWarnings("unchecked")
    V remove(long key) {
        int mask = keys.length - 1;
        for (int i = home(key); values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == key) {
                V before = (V) values[i];
                removeAt(i);
                return before;
            }
        }
        return null;
    }

    /** Calls {@code action} with every key; the map must not change meanwhile. */
    void forEachKey(LongConsumer action) {
        for (int i = 0; i < keys.length; i++) {
            if (values[i] != null) {
                action.accept(keys[i]);
            }
        }
    }

    /**
     * Empties slot {@code hole}, then moves back each entry of the run after it that would no
     * longer be found (its home is not cyclically within (hole, its slot]).
     */
    private void removeAt(int hole) {
        int mask = keys.length - 1;
        values[hole] = null;
        size--;
        for (int i = (hole + 1) & mask; values[i] != null; i = (i + 1) & mask) {
            int home = home(keys[i]);
            boolean reachable = hole <= i ? hole < home && home <= i : hole < home || home <= i;
            if (!reachable) {
                keys[hole] = keys[i];
                values[hole] = values[i];
                values[i] = null;
                hole = i;
            }
        }
    }

    private void resize(int capacity) {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        allocate(capacity);
        int mask = capacity - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldValues[j] != null) {
                int i = home(oldKeys[j]);
                while (values[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                values[i] = oldValues[j];
            }
        }
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new Object[capacity];
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }
}
