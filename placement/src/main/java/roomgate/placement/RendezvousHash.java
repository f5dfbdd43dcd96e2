package roomgate.placement;

/**
 * The hash functions behind placement: rendezvous (highest random weight) hashing. A room goes to
 * the node with the highest {@code score(hash(room), hash(node))}; when a node leaves only its rooms
 * move, and a new node takes about 1/n of new placements from each of the others. Everything here is
 * allocation-free so that routing lookups cost a few multiplications per node.
 */
public final class RendezvousHash {
    private RendezvousHash() {}

    /** 64-bit FNV-1a over the UTF-16 chars, finished with a mixer so that near keys spread. */
    public static long hash(CharSequence key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0, n = key.length(); i < n; i++) {
            char c = key.charAt(i);
            h = (h ^ (c & 0xff)) * 0x100000001b3L;
            h = (h ^ (c >>> 8)) * 0x100000001b3L;
        }
        return mix(h);
    }

    /** The weight of a (room, node) pair; the node with the largest weight owns the room. */
    public static long score(long keyHash, long nodeHash) {
        return mix(keyHash ^ nodeHash);
    }

    /** The 64-bit finaliser of SplitMix64 / MurmurHash3: every input bit affects every output bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
