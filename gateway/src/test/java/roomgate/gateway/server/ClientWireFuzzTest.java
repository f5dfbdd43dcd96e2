package roomgate.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import roomgate.gateway.config.GatewayConfig;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.ServerMessage;
import roomgate.testsupport.fuzz.Allocations;
import roomgate.wire.client.ClientFrameCodec;
import roomgate.wire.client.DecodeFailure;

/**
 * Coverage-guided fuzzing (Jazzer) of a client connection's decode path from the socket's bytes
 * on, after the upgrade: the WebSocket frame decoder (16 KiB frames, as the gateway configures it),
 * reassembly, the frame codec and the session, with no node behind it. The input's first byte says
 * in what pieces the rest, the socket's bytes, arrives (0: all at once). No exception escapes the
 * pipeline and what it sends back are whole frames; decoding allocates a bounded multiple of the
 * bytes received and of the answers sent; the only exceptions on the way to the session are the
 * WebSocket decoder's refusals of a corrupt or oversized frame. When the bytes are one client data frame, its payload is
 * answered MALFORMED_MESSAGE exactly when the frame codec refuses it, and then once; when they start
 * with a frame announcing more than 16 KiB, the answer is one close frame (1009), its payload never
 * allocated. {@code mvn verify} runs the target once per input in
 * {@code ClientWireFuzzTestInputs/socketBytes/} (real frames, some hostile); {@code bench/fuzz/run.sh}
 * fuzzes it.
 */
class ClientWireFuzzTest {
    private static final int MAX_FRAME = 16 * 1024;
    private static final long ALLOCATION_PER_BYTE = 64;
    private static final long ALLOCATION_PER_PIECE = 4096;
    /** Answering a request (encoding it, the session's bookkeeping) costs some; a frame is cheap. */
    private static final long ALLOCATION_PER_ANSWER = 16 * 1024;

    private static final long ALLOCATION_FIXED = 1024 * 1024;
    /** Rate limits out of the way: every frame is judged on what it holds. */
    private static final GatewayConfig CONFIG = GatewayConfig.fromArgs(
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

    /**
     * Notes the exceptions on their way to the session, which closes the connection on any: only
     * the WebSocket decoder's refusals of a corrupt or oversized frame may be among them.
     */
    private static final class Failures extends ChannelInboundHandlerAdapter {
        final List<Throwable> seen = new ArrayList<>();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            seen.add(cause);
            ctx.fireExceptionCaught(cause);
        }
    }

    /** The connection as the gateway has it once the upgrade is done, {@code failures} before the session. */
    private static EmbeddedChannel connection(Failures failures) {
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
                        failures,
                        new TestSession().limits(CONFIG).handler(channel));
        TestSession.upgraded(channel);
        return channel;
    }

    /**
     * The first frame's header, if the bytes start with a data frame header a client may send: no
     * RSV bits, text or binary, masked, its length in the fewest bytes. Null for anything else.
     */
    private record Header(boolean fin, int opcode, long length, int size) {
        static Header of(byte[] bytes) {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.remaining() < 2) {
                return null;
            }
            int first = in.get() & 0xFF;
            int second = in.get() & 0xFF;
            int opcode = first & 0x0F;
            if ((first & 0x70) != 0 || (opcode != 0x1 && opcode != 0x2) || (second & 0x80) == 0) {
                return null;
            }
            long length = second & 0x7F;
            if (length == 126) {
                if (in.remaining() < 2 || (length = in.getShort() & 0xFFFF) < 126) {
                    return null;
                }
            } else if (length == 127) {
                if (in.remaining() < 8 || (length = in.getLong()) < 0x10000) {
                    return null;
                }
            }
            return new Header((first & 0x80) != 0, opcode, length, in.position() + 4);
        }
    }

    /** What the server sent: ServerMessages (SessionStarted left out), close frames' statuses, frames in all. */
    private record Answers(List<ServerMessage> messages, List<Integer> closes, int frames) {}

    @FuzzTest(maxDuration = "60s")
    void socketBytes(byte[] input) throws Exception {
        int piece = input.length == 0 || input[0] == 0 ? Integer.MAX_VALUE : input[0] & 0xFF;
        byte[] bytes = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
        Allocations.Measured<Run> measured = Allocations.measure(() -> Run.of(bytes, piece), Run::release);
        EmbeddedChannel channel = measured.result().channel();
        Failures failures = measured.result().failures();
        long pieces = measured.result().pieces();
        long allocated = measured.bytes();
        channel.checkException();
        // A write that comes after the connection was closed fails with a ClosedChannelException,
        // which reaches the session too: not a decoding failure. A connection closed (by a protocol
        // violation) in the middle of a fragmented message is reported by the aggregator as a
        // PrematureChannelClosureException: the fuzzer's first finding, a refusal, not a bug.
        assertThat(failures.seen)
                .allSatisfy(failure -> assertThat(failure)
                        .isInstanceOfAny(
                                CorruptedWebSocketFrameException.class,
                                TooLongFrameException.class,
                                PrematureChannelClosureException.class,
                                ClosedChannelException.class));
        Answers answers = answers(channel);
        assertThat(allocated)
                .as(
                        "bytes allocated decoding %d bytes in %d pieces, %d frames answered",
                        bytes.length, pieces, answers.frames())
                .isLessThan(ALLOCATION_FIXED
                        + ALLOCATION_PER_BYTE * bytes.length
                        + ALLOCATION_PER_PIECE * pieces
                        + ALLOCATION_PER_ANSWER * answers.frames());
        assertThat(answers.closes().size()).as("close frames").isLessThanOrEqualTo(1);

        Header header = Header.of(bytes);
        if (header != null && header.length() > MAX_FRAME) {
            assertThat(answers.closes())
                    .as("announced %d bytes", header.length())
                    .containsExactly(1009);
            assertThat(channel.isOpen()).isFalse();
        } else if (header != null && header.fin() && header.size() + header.length() == bytes.length) {
            byte[] payload = unmasked(bytes, header);
            boolean refused = refusedByTheCodec(header.opcode(), payload);
            List<ErrorCode> malformed = answers.messages().stream()
                    .map(m -> m.getError().getCode())
                    .filter(code -> code == ErrorCode.MALFORMED_MESSAGE)
                    .toList();
            if (refused) {
                assertThat(answers.messages()).as("one answer per frame").hasSize(1);
                assertThat(malformed).hasSize(1);
                assertThat(answers.closes()).isEmpty();
                assertThat(channel.isOpen()).isTrue();
            } else {
                assertThat(malformed).isEmpty();
            }
        }
        channel.finishAndReleaseAll();
    }

    /** A connection that was given the bytes in pieces, until they ended or it was closed. */
    private record Run(EmbeddedChannel channel, Failures failures, long pieces) {
        static Run of(byte[] bytes, int piece) {
            Failures failures = new Failures();
            EmbeddedChannel channel = connection(failures);
            long pieces = 0;
            for (int at = 0; at < bytes.length && channel.isOpen(); at += piece, pieces++) {
                channel.writeInbound(Unpooled.wrappedBuffer(bytes, at, Math.min(piece, bytes.length - at)));
                channel.runPendingTasks(); // rethrows what escaped, as writeInbound does
            }
            return new Run(channel, failures, pieces);
        }

        void release() {
            channel.finishAndReleaseAll();
        }
    }

    private static byte[] unmasked(byte[] bytes, Header header) {
        byte[] payload = Arrays.copyOfRange(bytes, header.size(), bytes.length);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= bytes[header.size() - 4 + i % 4];
        }
        return payload;
    }

    /** What the frame codec alone makes of a payload: a message, or a failure. */
    private static boolean refusedByTheCodec(int opcode, byte[] payload) {
        EmbeddedChannel codec = new EmbeddedChannel(new ClientFrameCodec());
        ByteBuf content = Unpooled.wrappedBuffer(payload);
        codec.writeInbound(opcode == 0x1 ? new TextWebSocketFrame(content) : new BinaryWebSocketFrame(content));
        boolean refused = codec.readInbound() instanceof DecodeFailure;
        codec.finishAndReleaseAll();
        return refused;
    }

    private static Answers answers(EmbeddedChannel channel) throws Exception {
        List<ServerMessage> messages = new ArrayList<>();
        List<Integer> closes = new ArrayList<>();
        int frames = 0;
        for (Object out; (out = channel.readOutbound()) != null; frames++) {
            ByteBuf wire = (ByteBuf) out;
            try {
                int opcode = wire.readByte() & 0x0F;
                int length = wire.readByte() & 0x7F;
                if (length == 126) {
                    length = wire.readUnsignedShort();
                } else if (length == 127) {
                    length = Math.toIntExact(wire.readLong());
                }
                byte[] payload = ByteBufUtil.getBytes(wire, wire.readerIndex(), length);
                assertThat(wire.readableBytes()).as("one whole frame").isEqualTo(length);
                if (opcode == 0x8) {
                    closes.add(((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF));
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
        return new Answers(messages.stream().filter(m -> !m.hasSessionStarted()).toList(), closes, frames);
    }
}
