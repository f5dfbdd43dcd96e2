package roomgate.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.Error;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.Pong;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.ServerMessage;
import roomgate.wire.client.Delivery;

/** The move latency as the connection's message meter times it. */
class MoveLatencyMeterTest {
    private final MoveLatencyMeter.Timers timers = MoveLatencyMeter.Timers.of(new SimpleMeterRegistry());
    private final AtomicLong now = new AtomicLong(1_000);
    private final EmbeddedChannel channel =
            new EmbeddedChannel(new ClientMessageMeter(GatewayMetrics.disabled(), timers, now::get));

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private void read(String requestId, ClientMessage.Builder message) {
        channel.writeInbound(message.setRequestId(requestId).build());
        channel.readInbound();
    }

    private static ClientMessage.Builder move() {
        return ClientMessage.newBuilder()
                .setMove(ChessMove.newBuilder().setRoomId("r1").setUci("e2e4"));
    }

    private void answer(Delivery delivery) {
        channel.writeOutbound(delivery);
        channel.readOutbound();
    }

    private static Delivery event() {
        return Delivery.of(ServerMessage.newBuilder()
                .setEvent(RoomEvent.newBuilder().setRoomId("r1").setSequence(3))
                .build());
    }

    @Test
    void timesAMoveFromItsReadingToItsEventAndARefusalApart() {
        read("1", move());
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(7));
        // The node's event with the request_id spliced on, as the router sends it.
        answer(event().withRequestId("1"));
        read("2", move());
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(2));
        answer(Delivery.of(ServerMessage.newBuilder()
                .setRequestId("2")
                .setError(Error.newBuilder().setCode(ErrorCode.ILLEGAL_MOVE).setMessage("no"))
                .build()));
        assertThat(timers.accepted().count()).isEqualTo(1);
        assertThat(timers.accepted().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(7.0);
        assertThat(timers.refused().count()).isEqualTo(1);
        assertThat(timers.refused().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2.0);
    }

    @Test
    void onlyMovesWithARequestIdAndOnlyTheirOwnAnswersCount() {
        read("", move());
        read("p", ClientMessage.newBuilder().setPing(roomgate.protocol.v1.Ping.newBuilder()));
        answer(Delivery.of(ServerMessage.newBuilder()
                .setRequestId("p")
                .setPong(Pong.getDefaultInstance())
                .build()));
        read("3", move());
        answer(event()); // someone else's move: no request_id
        answer(event().withRequestId("4"));
        assertThat(timers.accepted().count()).isZero();
        answer(event().withRequestId("3"));
        answer(event().withRequestId("3")); // answered once: a second is not timed again
        assertThat(timers.accepted().count()).isEqualTo(1);
    }

    @Test
    void keepsAtMostABoundedNumberOfMovesPending() {
        for (int i = 0; i < MoveLatencyMeter.MAX_PENDING + 10; i++) {
            read("m" + i, move());
        }
        for (int i = 0; i < MoveLatencyMeter.MAX_PENDING + 10; i++) {
            answer(event().withRequestId("m" + i));
        }
        assertThat(timers.accepted().count()).isEqualTo(MoveLatencyMeter.MAX_PENDING);
    }

    @Test
    void readsTheLastRequestIdOfASerializedMessage() {
        assertThat(MoveLatencyMeter.requestIdOf(event().bytes())).isNull();
        assertThat(MoveLatencyMeter.requestIdOf(
                        event().withRequestId("a").withRequestId("b").bytes()))
                .isEqualTo("b");
    }
}
