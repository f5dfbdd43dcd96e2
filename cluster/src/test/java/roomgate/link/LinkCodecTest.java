package roomgate.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import roomgate.protocol.link.v1.Hello;
import roomgate.protocol.link.v1.LinkFrame;
import org.junit.jupiter.api.Test;

class LinkCodecTest {
    @Test
    void framesSurviveBeingSplitAndCoalescedOnTheWire() {
        EmbeddedChannel writer = new EmbeddedChannel();
        LinkCodec.install(writer.pipeline());
        LinkFrame a = LinkFrame.newBuilder().setHello(Hello.newBuilder().setGatewayId("gw-a")).build();
        LinkFrame b = LinkFrame.newBuilder().setHello(Hello.newBuilder().setGatewayId("gw-b")).build();
        writer.writeOutbound(a, b);
        ByteBuf wire = writer.alloc().buffer();
        for (Object o; (o = writer.readOutbound()) != null; ) {
            ByteBuf part = (ByteBuf) o;
            wire.writeBytes(part);
            part.release();
        }

        EmbeddedChannel reader = new EmbeddedChannel();
        LinkCodec.install(reader.pipeline());
        // Deliver the two frames in three arbitrary chunks.
        reader.writeInbound(wire.readRetainedSlice(3));
        reader.writeInbound(wire.readRetainedSlice(wire.readableBytes() - 2));
        reader.writeInbound(wire.readRetainedSlice(2));
        wire.release();

        assertThat((Object) reader.readInbound()).isEqualTo(a);
        assertThat((Object) reader.readInbound()).isEqualTo(b);
        assertThat((Object) reader.readInbound()).isNull();
    }
}
