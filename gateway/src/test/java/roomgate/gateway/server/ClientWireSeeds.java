package roomgate.gateway.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The seed corpus of {@link ClientWireFuzzTest}: the wire module's client frame seeds (every kind of
 * message, binary and JSON, and malformed ones) each sent as a masked WebSocket frame, and frames a
 * hostile client could send (oversized, fragmented, unmasked, control frames, reserved bits). Each
 * seed starts with the byte that says in what pieces the rest arrives (0: all at once).
 * {@code bench/fuzz/run.sh seeds} writes them from the wire module's committed seeds.
 */
final class ClientWireSeeds {
    static final String DIR = "roomgate/gateway/server/ClientWireFuzzTestInputs/socketBytes/";
    private static final byte[] MASK = {0x37, (byte) 0xFA, 0x21, 0x3D};

    private ClientWireSeeds() {}

    /** {@code wireSeeds}: the wire module's ClientFrameFuzzTestInputs directory. */
    static Map<String, byte[]> seeds(Path wireSeeds) throws IOException {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (String kind : List.of("binaryFrame", "textFrame")) {
            int opcode = kind.equals("textFrame") ? 0x1 : 0x2;
            try (Stream<Path> files = Files.list(wireSeeds.resolve(kind))) {
                for (Path file : files.sorted().toList()) {
                    String name = file.getFileName().toString();
                    if (name.startsWith("valid-") || name.startsWith("malformed-")) {
                        byte[] payload = Files.readAllBytes(file);
                        seeds.put(
                                (opcode == 0x1 ? "text-" : "binary-") + name,
                                piecesOf(0, frame(0x80 | opcode, payload, payload.length)));
                    }
                }
            }
        }
        byte[] ping = utf8("{\"requestId\":\"p\",\"ping\":{}}");
        seeds.put(
                "two-frames-in-pieces-of-3",
                piecesOf(3, concat(frame(0x81, ping, ping.length), frame(0x82, new byte[] {0x32, 0x00}, 2))));
        byte[] half = Arrays.copyOf(ping, ping.length / 2);
        byte[] rest = Arrays.copyOfRange(ping, half.length, ping.length);
        seeds.put(
                "fragmented-text", piecesOf(0, concat(frame(0x01, half, half.length), frame(0x80, rest, rest.length))));
        seeds.put("oversized-16-bit-length", piecesOf(0, frame(0x82, new byte[64], 16 * 1024 + 1)));
        seeds.put("oversized-64-bit-length", piecesOf(0, frame(0x82, new byte[64], 1L << 31)));
        seeds.put("oversized-64-bit-max", piecesOf(5, frame(0x81, new byte[64], Long.MAX_VALUE)));
        seeds.put("unmasked", piecesOf(0, new byte[] {(byte) 0x82, 0x02, 0x32, 0x00}));
        seeds.put("reserved-bits", piecesOf(0, frame(0xC2, new byte[] {0x32, 0x00}, 2)));
        seeds.put("ping-control-frame", piecesOf(0, frame(0x89, utf8("hi"), 2)));
        seeds.put("close-frame", piecesOf(0, frame(0x88, new byte[] {0x03, (byte) 0xE8}, 2)));
        seeds.put("non-minimal-length", piecesOf(0, frame(0x82, new byte[] {0x32, 0x00}, 2, 126)));
        return seeds;
    }

    /** A client frame: first byte, masked, the announced length in the fewest bytes, masked payload. */
    private static byte[] frame(int first, byte[] payload, long announced) {
        return frame(first, payload, announced, announced < 126 ? (int) announced : announced <= 0xFFFF ? 126 : 127);
    }

    private static byte[] frame(int first, byte[] payload, long announced, int lengthCode) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(first);
        out.write(0x80 | lengthCode);
        if (lengthCode == 126) {
            out.writeBytes(ByteBuffer.allocate(2).putShort((short) announced).array());
        } else if (lengthCode == 127) {
            out.writeBytes(ByteBuffer.allocate(8).putLong(announced).array());
        }
        out.writeBytes(MASK);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ MASK[i % 4]);
        }
        return out.toByteArray();
    }

    private static byte[] piecesOf(int piece, byte[] bytes) {
        return concat(new byte[] {(byte) piece}, bytes);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Args: the wire module's src/test/resources, the gateway module's src/test/resources. */
    public static void main(String[] args) throws IOException {
        Path wire = Path.of(args[0]).resolve("roomgate/wire/client/ClientFrameFuzzTestInputs");
        Map<String, byte[]> seeds = seeds(wire);
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            Path file = Path.of(args[1]).resolve(DIR + seed.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, seed.getValue());
        }
        System.out.println(seeds.size() + " seeds written under " + args[1]);
    }
}
