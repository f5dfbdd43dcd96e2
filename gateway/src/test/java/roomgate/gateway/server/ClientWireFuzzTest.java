package roomgate.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.ReferenceCountUtil;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import roomgate.gateway.config.GatewayConfig;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.ServerMessage;
import roomgate.wire.client.ClientFrameCodec;

/**
 * Fuzzes a client connection's decode path from the socket's bytes on, after the upgrade: the
 * WebSocket frame decoder (16 KiB frames, as configured by the gateway), reassembly, the frame codec
 * and the session, with no node behind it. Masked data frames carrying random or mutated payloads
 * each get one answer, MALFORMED_MESSAGE for a payload that is no ClientMessage; a frame announcing
 * more than 16 KiB is answered with one close frame (1009) without its payload being allocated;
 * random bytes never make an exception escape the pipeline. Seeded: {@code -Dfuzz.seed=N} repeats a run.
 */
class ClientWireFuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    private static final int MAX_FRAME = 16 * 1024;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static void fuzz(String what, int tries, Consumer<Random> check) {
        for (int i = 0; i < tries; i++) {
            try {
                check.accept(new Random(SEED * 1_000_003L + i));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(what + ": try " + i + " failed; -Dfuzz.seed=" + SEED + " repeats it", e);
            }
        }
    }

    /** The connection as the gateway has it once the upgrade is done (rate limits out of the way). */
    private static EmbeddedChannel connection() {
        GatewayConfig config = GatewayConfig.fromArgs(
                new String[] {
                    "--rate-per-second",
                    "1000000",
                    "--rate-burst",
                    "1000000",
                    "--max-malformed",
                    "1000000",
                    "--link-auth",
                    "none"
                },
                Map.of());
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline()
                .addLast(
                        // The encoder before the decoder, as the handshake installs them: the decoder's
                        // own close frame (1009) goes out through it.
                        new WebSocket08FrameEncoder(false),
                        new WebSocket08FrameDecoder(WebSocketDecoderConfig.newBuilder()
                                .maxFramePayloadLength(MAX_FRAME)
                                .allowExtensions(false)
                                .closeOnProtocolViolation(true)
                                .build()),
                        new WebSocketFrameAggregator(MAX_FRAME),
                        new ClientFrameCodec(),
                        new TestSession().limits(config).handler(channel));
        TestSession.upgraded(channel);
        return channel;
    }

    /** A client frame as it is on the wire: FIN, opcode, masked, with a 7/16/64-bit length. */
    private static ByteBuf frame(Random r, int opcode, byte[] payload, long announcedLength) {
        ByteBuf out = Unpooled.buffer();
        out.writeByte(0x80 | opcode);
        if (announcedLength < 126) {
            out.writeByte(0x80 | (int) announcedLength);
        } else if (announcedLength <= 0xFFFF) {
            out.writeByte(0x80 | 126).writeShort((int) announcedLength);
        } else {
            out.writeByte(0x80 | 127).writeLong(announcedLength);
        }
        byte[] mask = new byte[4];
        r.nextBytes(mask);
        out.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            out.writeByte(payload[i] ^ mask[i % 4]);
        }
        return out;
    }

    /** The server's answers: ServerMessages (binary or text), and the close status if it sent one. */
    private record Answers(List<ServerMessage> messages, int closeStatus) {}

    private static Answers answers(EmbeddedChannel channel) throws Exception {
        List<ServerMessage> messages = new ArrayList<>();
        int close = -1;
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ByteBuf wire = (ByteBuf) out;
            try {
                int opcode = wire.readByte() & 0x0F;
                int length = wire.readByte() & 0x7F;
                if (length == 126) {
                    length = wire.readUnsignedShort();
                } else if (length == 127) {
                    length = (int) wire.readLong();
                }
                byte[] payload = ByteBufUtil.getBytes(wire, wire.readerIndex(), length);
                if (opcode == 0x8) {
                    close = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
                } else if (opcode == 0x2) {
                    messages.add(ServerMessage.parseFrom(payload));
                } else if (opcode == 0x1) {
                    ServerMessage.Builder b = ServerMessage.newBuilder();
                    com.google.protobuf.util.JsonFormat.parser().merge(new String(payload, StandardCharsets.UTF_8), b);
                    messages.add(b.build());
                }
            } finally {
                ReferenceCountUtil.release(wire);
            }
        }
        return new Answers(messages.stream().filter(m -> !m.hasSessionStarted()).toList(), close);
    }

    @Test
    void aDataFrameWhosePayloadIsNoMessageIsAnsweredMalformedMessage() {
        fuzz("data frame", 200, r -> {
            EmbeddedChannel channel = connection();
            boolean text = r.nextBoolean();
            byte[] payload;
            boolean isMessage;
            if (text) {
                // A number where a string belongs, or cut short: never a message.
                payload = ("{\"requestId\":" + r.nextInt() + ",\"ping\":{}}").getBytes(StandardCharsets.UTF_8);
                if (r.nextBoolean()) {
                    payload = java.util.Arrays.copyOf(payload, r.nextInt(payload.length));
                }
                isMessage = false;
            } else {
                payload = new byte[r.nextInt(r.nextBoolean() ? 64 : MAX_FRAME + 1)];
                r.nextBytes(payload);
                try {
                    isMessage = ClientMessage.parseFrom(payload).getBodyCase() != ClientMessage.BodyCase.BODY_NOT_SET;
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    isMessage = false;
                }
            }
            channel.writeInbound(frame(r, text ? 0x1 : 0x2, payload, payload.length));
            channel.runPendingTasks();
            try {
                Answers answers = answers(channel);
                assertThat(answers.closeStatus()).isEqualTo(-1);
                assertThat(answers.messages()).as("one answer per frame").hasSize(1);
                ErrorCode code = answers.messages().get(0).getError().getCode();
                if (isMessage) {
                    assertThat(code).isNotEqualTo(ErrorCode.MALFORMED_MESSAGE);
                } else {
                    assertThat(code).isEqualTo(ErrorCode.MALFORMED_MESSAGE);
                }
                assertThat(channel.isOpen()).isTrue();
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                channel.finishAndReleaseAll();
            }
        });
    }

    @Test
    void aFrameAnnouncingMoreThanTheLimitIsClosedWith1009WithoutAllocatingIt() {
        fuzz("oversized frame", 200, r -> {
            EmbeddedChannel channel = connection();
            long announced = r.nextBoolean()
                    ? MAX_FRAME + 1 + r.nextInt(0xFFFF - MAX_FRAME)
                    : 0x10000L + (r.nextLong() & 0x7FFF_FFFF_FFFF_FFFFL) % (Long.MAX_VALUE - 0x10000L);
            ByteBuf wire = frame(r, r.nextBoolean() ? 0x1 : 0x2, new byte[r.nextInt(512)], announced);
            long before = THREADS.getCurrentThreadAllocatedBytes();
            channel.writeInbound(wire);
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            try {
                assertThat(answers(channel).closeStatus())
                        .as("announced %d bytes", announced)
                        .isEqualTo(1009);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            assertThat(channel.isOpen()).isFalse();
            assertThat(allocated).isLessThan(1024 * 1024);
            channel.finishAndReleaseAll();
        });
    }

    @Test
    void randomBytesNeverMakeAnExceptionEscapeThePipeline() {
        fuzz("random bytes", 250, r -> {
            EmbeddedChannel channel = connection();
            byte[] bytes = new byte[r.nextInt(4096)];
            r.nextBytes(bytes);
            if (r.nextBoolean() && bytes.length > 1) {
                bytes[0] = (byte) (0x80 | new int[] {0x0, 0x1, 0x2, 0x8, 0x9, 0xA, 0x3}[r.nextInt(7)]);
                bytes[1] = (byte) (0x80 | (bytes[1] & 0x7F));
            }
            for (int at = 0; at < bytes.length && channel.isOpen(); ) {
                int piece = Math.min(bytes.length - at, 1 + r.nextInt(512));
                channel.writeInbound(Unpooled.wrappedBuffer(bytes, at, piece)); // rethrows what escaped
                channel.runPendingTasks();
                at += piece;
            }
            channel.checkException();
            channel.finishAndReleaseAll();
        });
    }
}
