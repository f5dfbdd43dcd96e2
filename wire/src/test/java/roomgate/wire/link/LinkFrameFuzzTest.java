package roomgate.wire.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import roomgate.protocol.link.v1.Hello;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.Rejoin;
import roomgate.protocol.link.v1.RejoinSession;
import roomgate.protocol.link.v1.RoomBroadcast;
import roomgate.protocol.link.v1.SessionReply;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.link.v1.Welcome;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.ServerMessage;

/**
 * Fuzzes the link framing both ends install (a 4-byte length, then a LinkFrame; room broadcasts
 * read field by field): random streams and mutated valid frames, split at random. A stream either
 * decodes into frames whose every field can be read, or fails with a DecoderException, which the
 * link's last handler answers by closing it; nothing else escapes (no index or null errors). A length
 * prefix past the 4 MiB bound is refused without allocating it. Seeded: {@code -Dfuzz.seed=N} repeats a run.
 */
class LinkFrameFuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
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

    private static EmbeddedChannel link() {
        EmbeddedChannel channel = new EmbeddedChannel();
        LinkCodec.install(channel.pipeline());
        return channel;
    }

    /** As the links' own last handlers do: a failure closes the link. Keeps what failed it. */
    private static final class ClosesOnFailure extends ChannelInboundHandlerAdapter {
        Throwable failure;

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (failure == null) {
                failure = cause;
            }
            ctx.close();
        }
    }

    /**
     * Writes the stream in random pieces until it ends or the link is closed; returns the frames
     * decoded. A failure must be a DecoderException (a corrupt stream), nothing else.
     */
    private static int feed(Random r, byte[] stream) {
        EmbeddedChannel channel = link();
        // Last: passes decoded frames on to the test's inbound queue, takes the failures.
        ClosesOnFailure last = new ClosesOnFailure();
        channel.pipeline().addLast(last);
        int frames = 0;
        for (int at = 0; at < stream.length && channel.isOpen(); ) {
            int piece = Math.min(stream.length - at, 1 + r.nextInt(r.nextBoolean() ? 8 : 4096));
            channel.writeInbound(Unpooled.wrappedBuffer(stream, at, piece)); // rethrows what reached the tail
            at += piece;
            for (Object out; (out = channel.readInbound()) != null; frames++) {
                readWhole(out);
            }
        }
        if (last.failure != null) {
            // The framing's own refusals, or protobuf's: never an index, null or state error wrapped.
            Throwable cause =
                    last.failure instanceof CorruptedFrameException || last.failure instanceof TooLongFrameException
                            ? last.failure
                            : last.failure.getCause();
            assertThat(last.failure).isInstanceOf(DecoderException.class);
            assertThat(cause)
                    .isInstanceOfAny(IOException.class, CorruptedFrameException.class, TooLongFrameException.class);
            assertThat(channel.isOpen()).isFalse();
        }
        channel.finishAndReleaseAll();
        return frames;
    }

    private static void readWhole(Object decoded) {
        if (decoded instanceof RoomEventFrame event) {
            try {
                event.roomId();
                ByteBufUtil.getBytes(event.event());
                ByteBufUtil.getBytes(event.originRequestId());
                event.originSessionId();
                event.sequence();
            } finally {
                event.release();
            }
        } else {
            assertThat(decoded).isInstanceOf(LinkFrame.class);
        }
    }

    private static byte[] framed(LinkFrame... frames) {
        ByteBuf out = Unpooled.buffer();
        for (LinkFrame frame : frames) {
            byte[] body = frame.toByteArray();
            out.writeInt(body.length).writeBytes(body);
        }
        return ByteBufUtil.getBytes(out);
    }

    private static byte[] bytes(Random r, int length) {
        byte[] bytes = new byte[length];
        r.nextBytes(bytes);
        return bytes;
    }

    private static LinkFrame frame(Random r) {
        String room = "room-" + r.nextInt(100);
        return switch (r.nextInt(6)) {
            case 0 ->
                LinkFrame.newBuilder()
                        .setBroadcast(RoomBroadcast.newBuilder()
                                .setRoomId(room)
                                .setServerMessage(ServerMessage.newBuilder()
                                        .setEvent(RoomEvent.newBuilder()
                                                .setRoomId(room)
                                                .setSequence(r.nextInt(1000)))
                                        .build()
                                        .toByteString())
                                .setOriginSessionId(r.nextLong())
                                .setOriginRequestId("req-" + r.nextInt())
                                .setSequence(r.nextInt(1000)))
                        .build();
            case 1 ->
                LinkFrame.newBuilder()
                        .setReply(SessionReply.newBuilder()
                                .setSessionId(r.nextLong())
                                .setServerMessage(ServerMessage.newBuilder()
                                        .setRequestId("x")
                                        .build()
                                        .toByteString())
                                .setJoinedRoomId(room)
                                .setRequestId("x"))
                        .build();
            case 2 ->
                LinkFrame.newBuilder()
                        .setRequest(SessionRequest.newBuilder()
                                .setSessionId(r.nextLong())
                                .setParticipantId("p" + r.nextInt())
                                .setMessage(ClientMessage.newBuilder()
                                        .setMove(ChessMove.newBuilder()
                                                .setRoomId(room)
                                                .setUci("e2e4"))))
                        .build();
            case 3 ->
                LinkFrame.newBuilder()
                        .setRejoin(Rejoin.newBuilder()
                                .setRoomId(room)
                                .addSessions(RejoinSession.newBuilder()
                                        .setSessionId(r.nextLong())
                                        .setLastSequence(3)))
                        .build();
            case 4 ->
                LinkFrame.newBuilder()
                        .setHello(Hello.newBuilder()
                                .setGatewayId("gw-" + r.nextInt())
                                .setProof(ByteString.copyFrom(bytes(r, 32)))
                                .setGatewayNonce(ByteString.copyFrom(bytes(r, LinkAuth.NONCE_BYTES))))
                        .build();
            default ->
                LinkFrame.newBuilder()
                        .setWelcome(Welcome.newBuilder()
                                .setNodeId("node-" + r.nextInt())
                                .setProof(ByteString.copyFrom(bytes(r, 32))))
                        .build();
        };
    }

    private static byte[] mutated(Random r, byte[] bytes) {
        byte[] out = bytes.clone();
        for (int n = 1 + r.nextInt(4); n > 0 && out.length > 0; n--) {
            switch (r.nextInt(4)) {
                case 0 -> out[r.nextInt(out.length)] = (byte) r.nextInt(256);
                case 1 -> out[r.nextInt(out.length)] ^= (byte) (1 << r.nextInt(8));
                case 2 -> out = Arrays.copyOf(out, r.nextInt(out.length));
                default -> {
                    // A varint length inside the frame set to something large.
                    int at = r.nextInt(out.length);
                    out[at] = (byte) (0x80 | r.nextInt(128));
                }
            }
        }
        return out;
    }

    @Test
    void validFramesSplitAnywhereAllDecode() {
        fuzz("valid frames", 500, r -> {
            LinkFrame[] frames = new LinkFrame[1 + r.nextInt(8)];
            for (int i = 0; i < frames.length; i++) {
                frames[i] = frame(r);
            }
            assertThat(feed(r, framed(frames))).isEqualTo(frames.length);
        });
    }

    @Test
    void randomAndMutatedStreamsDecodeOrFailAsCorruptAndNothingElse() {
        fuzz("corrupt stream", 3_000, r -> {
            byte[] stream;
            if (r.nextInt(4) == 0) {
                stream = new byte[r.nextInt(2048)];
                r.nextBytes(stream);
            } else {
                LinkFrame[] frames = new LinkFrame[1 + r.nextInt(4)];
                for (int i = 0; i < frames.length; i++) {
                    frames[i] = frame(r);
                }
                stream = mutated(r, framed(frames));
            }
            feed(r, stream);
        });
    }

    @Test
    void aLengthPrefixPastTheBoundIsRefusedWithoutAllocatingIt() {
        fuzz("oversized prefix", 200, r -> {
            int length = LinkCodec.MAX_FRAME_BYTES + 1 + r.nextInt(Integer.MAX_VALUE - LinkCodec.MAX_FRAME_BYTES - 1);
            EmbeddedChannel channel = link();
            ByteBuf stream = Unpooled.buffer().writeInt(length).writeBytes(new byte[r.nextInt(1024)]);
            long before = THREADS.getCurrentThreadAllocatedBytes();
            assertThatThrownBy(() -> channel.writeInbound(stream)).isInstanceOf(TooLongFrameException.class);
            assertThat(THREADS.getCurrentThreadAllocatedBytes() - before)
                    .as("bytes allocated refusing a %d-byte frame", length)
                    .isLessThan(256 * 1024);
            assertThat(channel.<Object>readInbound()).isNull();
            channel.finishAndReleaseAll();
        });
    }
}
