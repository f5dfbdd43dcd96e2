package roomgate.wire.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import roomgate.protocol.v1.ArenaInput;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.Ping;
import roomgate.protocol.v1.Resume;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.SendChat;
import roomgate.protocol.v1.Side;
import roomgate.protocol.v1.Subscribe;

/**
 * Fuzzes the client frame decoder as the gateway runs it, after the WebSocket decoder has bounded a
 * frame at 16 KiB: random and mutated protobuf as binary frames, random text and mutated valid JSON
 * as text frames. Whatever comes in, no exception leaves the decoder, a frame becomes a ClientMessage
 * with a body or a MALFORMED_MESSAGE failure, and decoding it allocates a bounded multiple of its size.
 * Random but seeded: a failure names its seed, and {@code -Dfuzz.seed=N} runs it again.
 */
class ClientFrameFuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    private static final int MAX_FRAME = 16 * 1024;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** Parsing builds objects and strings from a frame: some multiple of its size, plus a fixed cost. */
    private static final long ALLOCATION_PER_BYTE = 64;

    private static final long ALLOCATION_FIXED = 1024 * 1024;
    private static final String[] JSON_PIECES = {
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        "\"",
        "\\",
        "\\u0000",
        "\\ud800",
        "null",
        "true",
        "false",
        "-0",
        "1e999",
        "NaN",
        "\"requestId\"",
        "\"join\"",
        "\"roomId\"",
        "\"move\"",
        "\"resume\"",
        "\"lastSequences\"",
        "\"gameType\"",
        "\"CHESS\"",
        "\"topics\"",
        "\"subscribe\"",
        "\"arenaInput\"",
        "\"moveX\"",
        " ",
        "\n"
    };

    private final EmbeddedChannel channel = new EmbeddedChannel(new ClientFrameCodec());

    /** Runs {@code check} on {@code tries} generators of the seed; a failure names the seed and the try. */
    static void fuzz(String what, int tries, Consumer<Random> check) {
        for (int i = 0; i < tries; i++) {
            try {
                check.accept(new Random(SEED * 1_000_003L + i));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(what + ": try " + i + " failed; -Dfuzz.seed=" + SEED + " repeats it", e);
            }
        }
    }

    /** Decodes one frame, checking that it allocates no more than its size allows. */
    private Object decode(Object frame, int size) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        channel.writeInbound(frame); // rethrows whatever the decoder let escape
        Object decoded = channel.readInbound();
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated)
                .as("bytes allocated decoding a %d-byte frame", size)
                .isLessThan(ALLOCATION_FIXED + ALLOCATION_PER_BYTE * size);
        assertThat(channel.<Object>readInbound()).as("one frame, one result").isNull();
        return decoded;
    }

    private static void assertMessageOrMalformed(Object decoded) {
        if (decoded instanceof ClientMessage message) {
            assertThat(message.getBodyCase()).isNotEqualTo(ClientMessage.BodyCase.BODY_NOT_SET);
        } else {
            assertThat(decoded).isInstanceOf(DecodeFailure.class);
            assertThat(((DecodeFailure) decoded).code()).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
            assertThat(((DecodeFailure) decoded).message()).isNotBlank();
        }
    }

    @Test
    void anyBytesInABinaryFrameAreAMessageOrMalformedAsProtobufSays() {
        fuzz("binary frame", 1_000, r -> {
            byte[] bytes =
                    r.nextBoolean() ? randomBytes(r) : mutated(r, message(r).toByteArray());
            Object decoded = decode(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)), bytes.length);
            assertMessageOrMalformed(decoded);
            // The verdict of protobuf's own parser: nothing it takes is refused, nothing it refuses taken.
            ClientMessage parsed;
            try {
                parsed = ClientMessage.parseFrom(bytes);
            } catch (InvalidProtocolBufferException e) {
                parsed = null;
            }
            boolean valid = parsed != null && parsed.getBodyCase() != ClientMessage.BodyCase.BODY_NOT_SET;
            assertThat(decoded instanceof ClientMessage).isEqualTo(valid);
        });
    }

    @Test
    void anyTextInATextFrameIsAMessageOrMalformed() {
        fuzz("text frame", 1_000, r -> {
            String text = randomText(r);
            assertMessageOrMalformed(
                    decode(new TextWebSocketFrame(text), text.getBytes(StandardCharsets.UTF_8).length));
        });
    }

    @Test
    void everyValidMessageInJsonDecodesToItself() {
        fuzz("valid JSON", 500, r -> {
            ClientMessage message = message(r);
            String json = print(message, r.nextBoolean());
            assertThat(decode(new TextWebSocketFrame(json), json.length())).isEqualTo(message);
        });
    }

    @Test
    void mutatedJsonIsAMessageOrMalformedAndNeverAnotherMessage() {
        fuzz("mutated JSON", 1_500, r -> {
            String valid = print(message(r), false);
            Mutation mutation = mutation(r);
            String mutated = mutation.change().apply(valid);
            Object decoded = decode(new TextWebSocketFrame(mutated), mutated.length());
            assertMessageOrMalformed(decoded);
            if (decoded instanceof ClientMessage taken) {
                // What is taken is what the text says: read back from its own JSON, it is the same.
                String again = print(taken, false);
                assertThat(decode(new TextWebSocketFrame(again), again.length()))
                        .isEqualTo(taken);
            }
            if (mutation.alwaysMalformed() && !mutated.equals(valid)) {
                assertThat(decoded).as("%s: %s", mutation.name(), mutated).isInstanceOf(DecodeFailure.class);
            }
        });
    }

    private static String print(ClientMessage message, boolean pretty) {
        try {
            JsonFormat.Printer printer = JsonFormat.printer();
            return (pretty ? printer : printer.omittingInsignificantWhitespace()).print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] randomBytes(Random r) {
        byte[] bytes = new byte[r.nextInt(4) == 0 ? r.nextInt(MAX_FRAME + 1) : r.nextInt(64)];
        r.nextBytes(bytes);
        return bytes;
    }

    /** The bytes with a few of them changed, dropped or cut off. */
    private static byte[] mutated(Random r, byte[] bytes) {
        byte[] out = bytes.clone();
        for (int n = 1 + r.nextInt(3); n > 0 && out.length > 0; n--) {
            switch (r.nextInt(3)) {
                case 0 -> out[r.nextInt(out.length)] = (byte) r.nextInt(256);
                case 1 -> out[r.nextInt(out.length)] ^= (byte) (1 << r.nextInt(8));
                default -> out = java.util.Arrays.copyOf(out, r.nextInt(out.length));
            }
        }
        return out;
    }

    private static String randomText(Random r) {
        StringBuilder s = new StringBuilder();
        int pieces = r.nextInt(4) == 0 ? r.nextInt(2000) : r.nextInt(40);
        for (int i = 0; i < pieces; i++) {
            if (r.nextInt(3) == 0) {
                s.append((char) r.nextInt(Character.MAX_VALUE + 1));
            } else {
                s.append(JSON_PIECES[r.nextInt(JSON_PIECES.length)]);
            }
        }
        return s.toString();
    }

    /** A change to valid JSON; some always make it malformed (a value of the wrong type, a key twice). */
    record Mutation(String name, boolean alwaysMalformed, java.util.function.UnaryOperator<String> change) {}

    private static Mutation mutation(Random r) {
        int at = r.nextInt(10_000);
        return switch (r.nextInt(8)) {
            case 0 ->
                new Mutation("delete a char", false, s -> {
                    int p = at % Math.max(1, s.length());
                    return s.isEmpty() ? s : s.substring(0, p) + s.substring(p + 1);
                });
            case 1 -> {
                char c =
                        r.nextBoolean() ? (char) r.nextInt(Character.MAX_VALUE + 1) : "{}[]:,\"\\".charAt(r.nextInt(8));
                yield new Mutation("insert " + (int) c, false, s -> {
                    int p = at % (s.length() + 1);
                    return s.substring(0, p) + c + s.substring(p);
                });
            }
            case 2 -> new Mutation("truncate", false, s -> s.substring(0, at % (s.length() + 1)));
            case 3 -> {
                int depth = 1 + r.nextInt(5000);
                yield new Mutation(
                        "nest " + depth,
                        true,
                        s -> s.replaceFirst("\"requestId\":", "\"requestId\":" + "[".repeat(depth)));
            }
            case 4 -> {
                String value =
                        new String[] {"123", "true", "false", "{}", "[]", "1.5e3", "-0", "[\"a\"]"}[r.nextInt(8)];
                yield new Mutation(
                        "a string as " + value,
                        true,
                        s -> s.replaceFirst(
                                "\"requestId\":\"[^\"]*\"", "\"requestId\":" + Matcher.quoteReplacement(value)));
            }
            case 5 ->
                new Mutation(
                        "requestId twice",
                        true,
                        s -> s.replaceFirst("\"requestId\":(\"[^\"]*\")", "\"requestId\":$1,\"requestId\":$1"));
            case 6 -> {
                int n = r.nextInt(4);
                yield new Mutation(
                        "an enum as " + n, true, s -> s.replaceFirst("\"gameType\":\"[A-Z]+\"", "\"gameType\":" + n));
            }
            default -> {
                String tail = new String[] {" {}", "x", ",", "]", "}", "//"}[r.nextInt(6)];
                yield new Mutation("trailing " + tail, true, s -> s + tail);
            }
        };
    }

    private static String id(Random r) {
        StringBuilder s = new StringBuilder();
        for (int n = 1 + r.nextInt(20); n > 0; n--) {
            s.append("abcdefghijklmnopqrstuvwxyz0123456789.-_:".charAt(r.nextInt(40)));
        }
        return s.toString();
    }

    /** Any Unicode text (no lone surrogates: a text frame is UTF-8, which cannot carry them). */
    private static String anyText(Random r) {
        StringBuilder s = new StringBuilder();
        for (int n = r.nextInt(40); n > 0; n--) {
            int c = r.nextBoolean() ? r.nextInt(0x80) : r.nextInt(Character.MAX_CODE_POINT + 1);
            s.appendCodePoint(Character.getType(c) == Character.SURROGATE ? 'x' : c);
        }
        return s.toString();
    }

    /** A valid ClientMessage of any body, always with a request id. */
    static ClientMessage message(Random r) {
        ClientMessage.Builder m = ClientMessage.newBuilder().setRequestId(id(r));
        switch (r.nextInt(7)) {
            case 0 ->
                m.setJoin(JoinRoom.newBuilder()
                        .setRoomId(id(r))
                        .setGameType(r.nextBoolean() ? GameType.CHESS : GameType.ARENA)
                        .setRole(r.nextBoolean() ? Role.PLAYER : Role.SPECTATOR)
                        .setSide(r.nextBoolean() ? Side.WHITE : Side.BLACK)
                        .setDisplayName(anyText(r)));
            case 1 -> m.setMove(ChessMove.newBuilder().setRoomId(id(r)).setUci(id(r)));
            case 2 -> m.setChat(SendChat.newBuilder().setRoomId(id(r)).setText(anyText(r)));
            case 3 ->
                m.setArenaInput(ArenaInput.newBuilder()
                        .setRoomId(id(r))
                        .setMoveX(r.nextFloat() * 2 - 1)
                        .setMoveY(r.nextFloat() * 2 - 1)
                        .setDash(r.nextBoolean())
                        .setInputSequence(r.nextLong() & Long.MAX_VALUE));
            case 4 -> {
                Subscribe.Builder s = Subscribe.newBuilder();
                for (int n = 1 + r.nextInt(5); n > 0; n--) {
                    s.addTopics(id(r));
                }
                m.setSubscribe(s);
            }
            case 5 -> {
                Resume.Builder s = Resume.newBuilder().setResumeToken(id(r));
                for (int n = r.nextInt(5); n > 0; n--) {
                    s.putLastSequences(id(r), r.nextLong() & Long.MAX_VALUE);
                }
                m.setResume(s);
            }
            default -> m.setPing(Ping.newBuilder().setClientTimeMs(r.nextLong()));
        }
        return m.build();
    }
}
