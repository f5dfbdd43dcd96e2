package roomgate.wire.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.v1.ClientMessage;
import roomgate.wire.client.ClientFrameCodec;
import roomgate.wire.link.LinkCodec;
import roomgate.wire.link.RoomEventFrame;

/**
 * The committed seed corpus is what {@link FuzzSeeds} makes, and its valid seeds are real frames of
 * every kind: a corpus that silently stopped decoding would leave the fuzzer starting from noise.
 */
class FuzzSeedsTest {
    @Test
    void theCommittedSeedsAreTheOnesFuzzSeedsMakes() throws IOException {
        for (Map.Entry<String, byte[]> seed : FuzzSeeds.all().entrySet()) {
            try (InputStream committed = getClass().getClassLoader().getResourceAsStream(seed.getKey())) {
                assertThat(committed)
                        .as("%s is committed (bench/fuzz/run.sh seeds writes it)", seed.getKey())
                        .isNotNull();
                assertThat(committed.readAllBytes()).as(seed.getKey()).isEqualTo(seed.getValue());
            }
        }
    }

    @Test
    void everyKindOfClientMessageAndLinkFrameHasAValidSeed() {
        assertThat(FuzzSeeds.clientMessages().keySet())
                .containsExactlyInAnyOrderElementsOf(FuzzSeeds.bodies(ClientMessage.getDescriptor()).stream()
                        .map(body -> "valid-" + body)
                        .toList());
        assertThat(FuzzSeeds.linkFrames().keySet())
                .containsExactlyInAnyOrderElementsOf(FuzzSeeds.bodies(LinkFrame.getDescriptor()).stream()
                        .map(body -> "valid-" + body)
                        .toList());
    }

    @Test
    void theValidClientSeedsDecodeToTheirMessagesAsBinaryAndAsText() {
        FuzzSeeds.clientMessages().forEach((name, message) -> {
            EmbeddedChannel channel = new EmbeddedChannel(new ClientFrameCodec());
            channel.writeInbound(new BinaryWebSocketFrame(
                    Unpooled.wrappedBuffer(FuzzSeeds.clientBinary().get(name))));
            channel.writeInbound(new TextWebSocketFrame(
                    Unpooled.wrappedBuffer(FuzzSeeds.clientText().get(name))));
            assertThat(channel.<Object>readInbound()).as(name).isEqualTo(message);
            assertThat(channel.<Object>readInbound()).as(name).isEqualTo(message);
        });
    }

    @Test
    void theValidLinkSeedsDecodeToTheirFrames() {
        FuzzSeeds.linkFrames().forEach((name, frame) -> {
            EmbeddedChannel channel = new EmbeddedChannel();
            LinkCodec.install(channel.pipeline());
            byte[] seed = FuzzSeeds.linkStream().get(name);
            channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(seed, 1, seed.length)));
            Object decoded = channel.readInbound();
            try {
                if (frame.hasBroadcast()) {
                    assertThat(decoded).isInstanceOf(RoomEventFrame.class);
                    assertThat(((RoomEventFrame) decoded).sequence())
                            .isEqualTo(frame.getBroadcast().getSequence());
                } else {
                    assertThat(decoded).as(name).isEqualTo(frame);
                }
            } finally {
                ReferenceCountUtil.release(decoded);
            }
            assertThat(channel.finishAndReleaseAll()).isFalse();
        });
    }
}
