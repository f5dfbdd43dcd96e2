package roomgate.gateway.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPipeline;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.session.EncodedOutput;
import roomgate.wire.client.ClientFrameCodec;
import roomgate.wire.client.ServerFrames;

/**
 * A connection's short way for shared, already encoded frames: straight into its
 * {@link OutputGuard} (first in the pipeline, so below the WebSocket frame encoder), in the
 * encoding its {@link ClientFrameCodec} answers in, counted as the codec counts frames that
 * pass it. Confined to the connection's event loop.
 */
final class GuardedFrameOutput implements EncodedOutput {
    private final OutputGuard guard;
    private final ClientFrameCodec codec;
    private final GatewayMetrics metrics;

    private GuardedFrameOutput(OutputGuard guard, ClientFrameCodec codec, GatewayMetrics metrics) {
        this.guard = guard;
        this.codec = codec;
        this.metrics = metrics;
    }

    /** The output of the connection with this pipeline, or null if it lacks the guard or the codec. */
    static EncodedOutput of(ChannelPipeline pipeline, GatewayMetrics metrics) {
        OutputGuard guard = pipeline.get(OutputGuard.class);
        ClientFrameCodec codec = pipeline.get(ClientFrameCodec.class);
        return guard == null || codec == null ? null : new GuardedFrameOutput(guard, codec, metrics);
    }

    @Override
    public boolean text() {
        return codec.json();
    }

    @Override
    public void write(ByteBuf frame) {
        metrics.frameSent(codec.json(), ServerFrames.payloadLength(frame));
        guard.writeEncoded(frame);
    }

    @Override
    public void flush() {
        guard.flushEncoded();
    }
}
