package roomgate.gateway.routing;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * A room id's UTF-8 bytes as a hash-map key: either kept (a copy, in the map) or a view of a link
 * frame's bytes, set on one reusable probe per loop ({@link #probe}), so a room event finds its
 * room without a String or a key object made per event.
 *
 * <p>Why not the bytes' {@code ByteBuf} as key (which hashes and compares by content): Netty's
 * {@code ByteBuf.hashCode} sums the bytes four at a time times powers of 31, so ids that differ in a
 * single digit ("room-1734", "room-2734") differ by a multiple of 2^24, 2^16 or 2^8, and with
 * HashMap's spreading whole runs of them shared a bucket: with 1,000 rooms "bench-closed-N", 360 sat
 * in buckets of 8 or more, which HashMap turns into trees (a CPU profile showed
 * {@code HashMap$TreeNode.getTreeNode} at 4 %). Here each byte goes through FNV-1a and the result
 * through MurmurHash3's finalizer, whose every output bit depends on every input bit. Keys stay
 * {@link Comparable}, so even ids chosen to collide cost a tree's log n, not a list's n.
 */
final class RoomIdKey implements Comparable<RoomIdKey> {
    private byte[] kept;
    private ByteBuf view;
    private int hash;

    private RoomIdKey() {}

    /** A key to keep in a map: {@code roomId}'s UTF-8 bytes. */
    static RoomIdKey of(String roomId) {
        RoomIdKey key = new RoomIdKey();
        key.kept = roomId.getBytes(StandardCharsets.UTF_8);
        key.hash = hash(key);
        return key;
    }

    /** A key with nothing set, for {@link #probe} to reuse on one thread. */
    static RoomIdKey newProbe() {
        return new RoomIdKey();
    }

    /**
     * This probe, now standing for the readable bytes of {@code utf8} (only read, not kept past
     * {@link #clear}): for lookups only, never put in a map.
     */
    RoomIdKey probe(ByteBuf utf8) {
        kept = null;
        view = utf8;
        hash = hash(this);
        return this;
    }

    /** Lets go of the bytes the probe stood for. */
    void clear() {
        view = null;
    }

    private int length() {
        return kept != null ? kept.length : view.readableBytes();
    }

    private int byteAt(int i) {
        return (kept != null ? kept[i] : view.getByte(view.readerIndex() + i)) & 0xff;
    }

    /** FNV-1a over the bytes, then MurmurHash3's 32-bit finalizer (avalanche). */
    static int hash(RoomIdKey key) {
        int h = 0x811C9DC5;
        for (int i = 0, n = key.length(); i < n; i++) {
            h = (h ^ key.byteAt(i)) * 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RoomIdKey other) || other.hash != hash || other.length() != length()) {
            return false;
        }
        for (int i = 0, n = length(); i < n; i++) {
            if (byteAt(i) != other.byteAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Unsigned bytes in order, then the shorter first: the order HashMap's tree bins use. */
    @Override
    public int compareTo(RoomIdKey other) {
        int n = Math.min(length(), other.length());
        for (int i = 0; i < n; i++) {
            int d = byteAt(i) - other.byteAt(i);
            if (d != 0) {
                return d;
            }
        }
        return Integer.compare(length(), other.length());
    }

    @Override
    public String toString() {
        byte[] bytes = new byte[length()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) byteAt(i);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
