package roomgate.testsupport.fuzz;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import roomgate.protocol.link.v1.LinkFrame;

/**
 * Bytes to throw at either end of a gateway-node link: frames as the link framing puts them on the
 * wire, and random edits of such bytes. The node's and the gateway's link fuzz tests build their
 * streams with it, so both attack the same framing the same way.
 */
public final class LinkFuzz {
    private LinkFuzz() {}

    /** {@code frames}, each behind its length as a 4-byte big-endian int: what the link codec writes. */
    public static byte[] framed(LinkFrame... frames) {
        byte[][] bodies = new byte[frames.length][];
        int size = 0;
        for (int i = 0; i < frames.length; i++) {
            bodies[i] = frames[i].toByteArray();
            size += 4 + bodies[i].length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (byte[] body : bodies) {
            out.putInt(body.length).put(body);
        }
        return out.array();
    }

    /**
     * A copy of {@code bytes} with from none to {@code maxEdits} random edits, each a byte replaced,
     * a bit flipped or the end cut off (so a length prefix may promise more than follows).
     */
    public static byte[] mutated(Random r, byte[] bytes, int maxEdits) {
        byte[] out = bytes.clone();
        for (int n = r.nextInt(maxEdits + 1); n > 0 && out.length > 0; n--) {
            switch (r.nextInt(3)) {
                case 0 -> out[r.nextInt(out.length)] = (byte) r.nextInt(256);
                case 1 -> out[r.nextInt(out.length)] ^= (byte) (1 << r.nextInt(8));
                default -> out = Arrays.copyOf(out, r.nextInt(out.length));
            }
        }
        return out;
    }
}
