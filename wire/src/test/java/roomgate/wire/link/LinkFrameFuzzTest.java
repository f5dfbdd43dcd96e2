package roomgate.wire.link;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.RoomBroadcast;
import roomgate.testsupport.fuzz.Allocations;

/**
 * Coverage-guided fuzzing (Jazzer) of the link framing both ends install (a 4-byte length, then a
 * LinkFrame; room broadcasts read field by field, not by protobuf). The input's first byte says in
 * what pieces the rest, the stream, arrives (0: all at once). The stream's whole frames decode in
 * order, each as protobuf reads its bytes (a broadcast's fields too, wherever protobuf takes them),
 * or the link fails with a DecoderException, which its last handler answers by closing it; nothing
 * else escapes. A length prefix past the 4 MiB bound always fails it, without being allocated:
 * decoding allocates a bounded multiple of the bytes received. {@code mvn verify} runs the target
 * once per input in {@code LinkFrameFuzzTestInputs/linkStream/} (every kind of frame, some corrupt
 * streams: {@link roomgate.wire.fuzz.FuzzSeeds}); {@code bench/fuzz/run.sh} fuzzes it.
 */
class LinkFrameFuzzTest {
    private static final long ALLOCATION_PER_BYTE = 64;
    /** Each write into the pipeline costs a few small objects, whatever its size. */
    private static final long ALLOCATION_PER_PIECE = 2048;

    private static final long ALLOCATION_FIXED = 1024 * 1024;

    /**
     * The link's last handler: keeps what it is given and, as the links' own last handlers do,
     * closes the link on a failure. Frames decoded in the same read as a bad one still arrive
     * after it, so it notes where each failure came in the order of frames.
     */
    private static final class Last extends ChannelInboundHandlerAdapter {
        final List<Object> frames = new ArrayList<>();
        final List<Throwable> failures = new ArrayList<>();
        final List<Integer> failedAfter = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            frames.add(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failures.add(cause);
            failedAfter.add(frames.size());
            ctx.close();
        }

        /** The index of the frame that the i-th decoded one was made from: failed frames yield none. */
        int bodyOf(int i) {
            return i + (int) failedAfter.stream().filter(at -> at <= i).count();
        }
    }

    /** The stream's whole frames as its length prefixes cut them, and whether a prefix is out of bounds. */
    private record Framing(List<byte[]> bodies, boolean prefixOutOfBounds) {
        static Framing of(byte[] stream) {
            ByteBuffer in = ByteBuffer.wrap(stream);
            List<byte[]> bodies = new ArrayList<>();
            while (in.remaining() >= 4) {
                long length = Integer.toUnsignedLong(in.getInt());
                if (length > LinkCodec.MAX_FRAME_BYTES) {
                    return new Framing(bodies, true);
                }
                if (in.remaining() < length) {
                    break;
                }
                byte[] body = new byte[(int) length];
                in.get(body);
                bodies.add(body);
            }
            return new Framing(bodies, false);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void linkStream(byte[] input) {
        int piece = input.length == 0 || input[0] == 0 ? Integer.MAX_VALUE : input[0] & 0xFF;
        byte[] stream = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
        Framing framing = Framing.of(stream);

        Allocations.Measured<Run> measured = Allocations.measure(() -> Run.of(stream, piece), Run::release);
        Run run = measured.result();
        Last last = run.last();
        try {
            assertThat(measured.bytes())
                    .as("bytes allocated decoding a %d-byte stream in %d pieces", stream.length, run.pieces())
                    .isLessThan(ALLOCATION_FIXED
                            + ALLOCATION_PER_BYTE * stream.length
                            + ALLOCATION_PER_PIECE * run.pieces());
            for (int i = 0; i < last.frames.size(); i++) {
                assertThat(last.bodyOf(i)).isLessThan(framing.bodies().size());
                assertReadsAsProtobufDoes(last.frames.get(i), framing.bodies().get(last.bodyOf(i)));
            }
            if (last.failures.isEmpty()) {
                assertThat(framing.prefixOutOfBounds())
                        .as("a length prefix past the bound fails the link")
                        .isFalse();
                assertThat(last.frames).as("every whole frame decoded").hasSameSizeAs(framing.bodies());
            } else {
                last.failures.forEach(LinkFrameFuzzTest::assertCorrupt);
                assertThat(run.channel().isOpen()).isFalse();
            }
        } finally {
            run.release();
        }
    }

    /** A link that was given the stream in pieces, until it ended or the link was closed. */
    private record Run(EmbeddedChannel channel, Last last, long pieces) {
        static Run of(byte[] stream, int piece) {
            EmbeddedChannel channel = new EmbeddedChannel();
            LinkCodec.install(channel.pipeline());
            Last last = new Last();
            channel.pipeline().addLast(last);
            long pieces = 0;
            for (int at = 0; at < stream.length && channel.isOpen(); at += piece, pieces++) {
                int length = Math.min(piece, stream.length - at);
                channel.writeInbound(Unpooled.wrappedBuffer(stream, at, length)); // rethrows what reached the tail
            }
            return new Run(channel, last, pieces);
        }

        void release() {
            last.frames.forEach(ReferenceCountUtil::release);
            channel.finishAndReleaseAll();
        }
    }

    /** The framing's own refusals, or protobuf's: never an index, null or state error wrapped. */
    private static void assertCorrupt(Throwable failure) {
        assertThat(failure).isInstanceOf(DecoderException.class);
        Throwable cause = failure instanceof CorruptedFrameException || failure instanceof TooLongFrameException
                ? failure
                : failure.getCause();
        assertThat(cause)
                .isInstanceOfAny(IOException.class, CorruptedFrameException.class, TooLongFrameException.class);
    }

    /**
     * A LinkFrame is protobuf's parse of the frame's bytes; a broadcast, read by hand, says what
     * protobuf reads in them, when protobuf takes them (it refuses a room id that is not UTF-8,
     * which the gateway, looking rooms up by their bytes, need not).
     */
    private static void assertReadsAsProtobufDoes(Object decoded, byte[] body) {
        LinkFrame parsed;
        try {
            parsed = LinkFrame.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            parsed = null;
        }
        if (decoded instanceof RoomEventFrame event) {
            assertThat(ByteBufUtil.getBytes(event.content())).isEqualTo(body);
            if (parsed != null) {
                assertThat(parsed.getBodyCase()).isEqualTo(LinkFrame.BodyCase.BROADCAST);
                RoomBroadcast broadcast = parsed.getBroadcast();
                assertThat(event.roomId()).isEqualTo(broadcast.getRoomId());
                assertThat(ByteBufUtil.getBytes(event.event()))
                        .isEqualTo(broadcast.getServerMessage().toByteArray());
                assertThat(event.originSessionId()).isEqualTo(broadcast.getOriginSessionId());
                assertThat(event.originRequestId().toString(StandardCharsets.UTF_8))
                        .isEqualTo(broadcast.getOriginRequestId());
                assertThat(event.sequence()).isEqualTo(broadcast.getSequence());
            }
        } else {
            assertThat(decoded).isInstanceOf(LinkFrame.class).isEqualTo(parsed);
        }
    }
}
