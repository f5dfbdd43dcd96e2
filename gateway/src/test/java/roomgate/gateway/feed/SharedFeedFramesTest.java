package roomgate.gateway.feed;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import roomgate.gateway.session.ClientSession;
import roomgate.gateway.session.EncodedOutput;
import roomgate.gateway.session.LoopFlusher;
import roomgate.protocol.v1.ServerMessage;
import roomgate.wire.client.ServerFrames;

/**
 * Two event loops (one EmbeddedChannel each) with a subscriber each, written to as real connections
 * are (shared frames through {@link EncodedOutput}): each update's frame is made once per gateway
 * and the same buffer goes out on both loops, for JSON text too once a loop has asked for it; and
 * every reference is given back, by the loops and by a slot that conflated.
 *
 * <p>Each test runs with Netty's leak detector off and at its paranoid level. At its default level
 * it samples one allocation in 128 and wraps that buffer, and every retained duplicate of it, in a
 * tracking buffer whose {@code unwrap()} is the duplicate rather than the frame: a test that took
 * one {@code unwrap()} for the shared frame failed whenever the frame it looked at was sampled.
 * Paranoid wraps every buffer, so that case runs every time; {@link #frameOf} finds the frame in both.
 */
class SharedFeedFramesTest {
    private final FakeUpstream upstream = new FakeUpstream();
    private final PubSubManager feeds = PubSubManager.instance();
    private final List<ByteBuf> unreleased = new ArrayList<>();
    private final ResourceLeakDetector.Level leakDetection = ResourceLeakDetector.getLevel();

    /** A connection whose shared-frame writes are kept for the test to look at. */
    private static final class Captured implements EncodedOutput {
        final List<ByteBuf> frames = new ArrayList<>();
        final boolean text;

        Captured(boolean text) {
            this.text = text;
        }

        @Override
        public boolean text() {
            return text;
        }

        @Override
        public void write(ByteBuf frame) {
            frames.add(frame);
        }

        @Override
        public void flush() {}
    }

    private record Client(EmbeddedChannel channel, Captured output, FeedSession feed) {
        ByteBuf next() {
            channel.runPendingTasks();
            assertThat(output.frames).hasSize(1);
            return output.frames.remove(0);
        }
    }

    @BeforeEach
    void start() {
        feeds.start(upstream, new DirectExecutorService());
    }

    @AfterEach
    void stop() {
        unreleased.forEach(ByteBuf::release);
        feeds.stop();
        ResourceLeakDetector.setLevel(leakDetection);
    }

    /** The buffer a client's write is a view of: the frame itself, whatever wraps it. */
    private static ByteBuf frameOf(ByteBuf write) {
        ByteBuf frame = write;
        while (frame.unwrap() != null) {
            frame = frame.unwrap();
        }
        return frame;
    }

    private Client subscribed(long id, boolean text) {
        EmbeddedChannel channel = new EmbeddedChannel();
        ClientSession session = new ClientSession(id, "p" + id, channel);
        Captured output = new Captured(text);
        session.batchWrites(output, LoopFlusher.of(channel.eventLoop()));
        FeedSession feed = feeds.openSession(session, channel);
        feed.subscribe("s", List.of("stock.A"));
        channel.runPendingTasks();
        channel.outboundMessages().clear(); // the Subscribed reply, not a shared frame
        return new Client(channel, output, feed);
    }

    private ByteBuf kept(ByteBuf frame) {
        unreleased.add(frame);
        return frame;
    }

    private static ServerMessage binary(ByteBuf frame) throws Exception {
        byte[] bytes = ByteBufUtil.getBytes(frame);
        int header = bytes.length - ServerFrames.payloadLength(frame);
        return ServerMessage.parseFrom(java.util.Arrays.copyOfRange(bytes, header, bytes.length));
    }

    @ParameterizedTest
    @EnumSource(
            value = ResourceLeakDetector.Level.class,
            names = {"DISABLED", "PARANOID"})
    void bothLoopsWriteTheOneBinaryFrameTheGatewayMadeAndGiveItBack(ResourceLeakDetector.Level level) throws Exception {
        ResourceLeakDetector.setLevel(level);
        Client one = subscribed(1, false);
        Client two = subscribed(2, false);
        assertThat(one.channel().eventLoop()).isNotSameAs(two.channel().eventLoop());

        upstream.publish("stock.A", 1, 10.5);
        ByteBuf a = kept(one.next());
        ByteBuf b = kept(two.next());
        assertThat(frameOf(a))
                .as("one buffer for the gateway, not one per loop")
                .isSameAs(frameOf(b));
        assertThat(binary(a).getFeedUpdate().getValue()).isEqualTo(10.5);
        assertThat(binary(b)).isEqualTo(binary(a));
        assertThat(frameOf(a).refCnt())
                .as("the two writes only: fan-out and loops gave theirs back")
                .isEqualTo(2);
        ByteBuf shared = frameOf(a);
        unreleased.clear();
        a.release();
        b.release();
        assertThat(shared.refCnt()).isZero();
    }

    @ParameterizedTest
    @EnumSource(
            value = ResourceLeakDetector.Level.class,
            names = {"DISABLED", "PARANOID"})
    void jsonIsPrintedPerLoopOnlyUntilALoopAsksThenOnceForTheGateway(ResourceLeakDetector.Level level)
            throws Exception {
        ResourceLeakDetector.setLevel(level);
        Client one = subscribed(1, true);
        Client two = subscribed(2, true);

        upstream.publish("stock.A", 1, 1);
        ByteBuf first1 = kept(one.next());
        ByteBuf first2 = kept(two.next());
        assertThat(frameOf(first1))
                .as("no loop had asked yet: each printed its own")
                .isNotSameAs(frameOf(first2));

        upstream.publish("stock.A", 2, 2);
        ByteBuf a = kept(one.next());
        ByteBuf b = kept(two.next());
        assertThat(frameOf(a)).as("printed once for the gateway").isSameAs(frameOf(b));
        byte[] bytes = ByteBufUtil.getBytes(a);
        String json = new String(
                bytes,
                bytes.length - ServerFrames.payloadLength(a),
                ServerFrames.payloadLength(a),
                StandardCharsets.UTF_8);
        ServerMessage.Builder parsed = ServerMessage.newBuilder();
        JsonFormat.parser().merge(json, parsed);
        assertThat(parsed.getFeedUpdate().getSequence()).isEqualTo(2);
        assertThat(frameOf(a).refCnt()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(
            value = ResourceLeakDetector.Level.class,
            names = {"DISABLED", "PARANOID"})
    void aSlotThatConflatesHoldsTheSharedFrameUntilReplacedOrSent(ResourceLeakDetector.Level level) throws Exception {
        ResourceLeakDetector.setLevel(level);
        Client fast = subscribed(1, false);
        Client slow = subscribed(2, false);
        slow.channel().unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        slow.channel().runPendingTasks();

        upstream.publish("stock.A", 1, 1);
        ByteBuf first = kept(fast.next());
        slow.channel().runPendingTasks();
        assertThat(slow.output().frames).isEmpty();
        assertThat(slow.feed().pendingUpdates()).isEqualTo(1);
        assertThat(frameOf(first).refCnt())
                .as("the fast write and the slow slot")
                .isEqualTo(2);

        upstream.publish("stock.A", 2, 2);
        ByteBuf second = kept(fast.next());
        slow.channel().runPendingTasks();
        assertThat(frameOf(first).refCnt())
                .as("replaced in the slot: the fast write only")
                .isEqualTo(1);

        slow.channel().unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        slow.feed().writabilityChanged(); // what the session handler does on the event
        ByteBuf sent = kept(slow.next());
        assertThat(frameOf(sent)).isSameAs(frameOf(second));
        assertThat(binary(sent).getFeedUpdate().getSequence()).isEqualTo(2);
        assertThat(frameOf(second).refCnt())
                .as("the two writes, the slot gave its back")
                .isEqualTo(2);
    }
}
