package roomgate.loadtest.replay;

import roomgate.placement.RendezvousHash;
import roomgate.wire.client.RoomRequests;

/**
 * The fresh room ID of copy k of a recorded room: {@code PREFIX.k.ORIGINAL}, which stays a valid
 * room ID (the separators are allowed characters). An original too long to fit is replaced by
 * its hash, so copies of different rooms still never meet.
 */
final class RoomIds {
    private RoomIds() {}

    static String copyOf(String prefix, int copy, String original) {
        String id = prefix + "." + copy + "." + original;
        if (id.length() <= RoomRequests.MAX_ROOM_ID_CHARS) {
            return id;
        }
        return prefix + "." + copy + ".h" + Long.toHexString(RendezvousHash.hash(original));
    }
}
