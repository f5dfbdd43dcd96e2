package roomgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import roomgate.client.RoomgateClient.CloseStatus;
import roomgate.client.RoomgateClient.Encoding;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.Ping;
import roomgate.protocol.v1.ServerMessage;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RoomgateClientTest {
    private static final Duration WAIT = Duration.ofSeconds(2);

    private static EventLoopGroup group;
    private PingServer server;
    private final List<RoomgateClient> clients = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startGroup() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void startServer() throws InterruptedException {
        server = new PingServer(group);
    }

    @AfterEach
    void stopServer() {
        clients.forEach(RoomgateClient::close);
        server.close();
    }

    private RoomgateClient connect(Encoding encoding) throws Exception {
        RoomgateClient client = RoomgateClient.connect(group, NioSocketChannel.class, server.uri(), encoding, WAIT);
        clients.add(client);
        return client;
    }

    private static ClientMessage ping(String requestId, long clientTimeMs) {
        return ClientMessage.newBuilder()
                .setRequestId(requestId)
                .setPing(Ping.newBuilder().setClientTimeMs(clientTimeMs))
                .build();
    }

    @Test
    void theResumeTokenIsTheNewestTheServerGave() throws Exception {
        RoomgateClient client = connect(Encoding.BINARY);
        assertThat(client.resumeToken()).isNull();
        client.sendRawText("tokens-please");
        client.await(m -> m.getSessionStarted().getResumeToken().equals("t2"), WAIT);
        assertThat(client.resumeToken()).isEqualTo("t2");
    }

    @Test
    void binaryRoundTrip() throws Exception {
        RoomgateClient client = connect(Encoding.BINARY);

        client.send(ping("b1", 123));
        ServerMessage reply = client.await(ServerMessage::hasPong, WAIT);

        assertThat(reply.getRequestId()).isEqualTo("b1");
        assertThat(reply.getPong().getClientTimeMs()).isEqualTo(123);
        assertThat(server.frameTypes).containsExactly("binary");
        assertThat(client.received()).containsExactly(reply);
    }

    @Test
    void jsonRoundTripMatchesRequestById() throws Exception {
        RoomgateClient client = connect(Encoding.JSON);

        // Its answer arrives first and must not be taken for the request's.
        client.send(ping("other", 1));
        ServerMessage reply = client.request(ping("", 456), WAIT);

        assertThat(reply.getRequestId()).isNotEmpty().isNotEqualTo("other");
        assertThat(reply.getPong().getClientTimeMs()).isEqualTo(456);
        assertThat(server.frameTypes).containsExactly("text", "text");
        assertThat(client.await(m -> m.getRequestId().equals("other"), WAIT)
                        .getPong()
                        .getClientTimeMs())
                .isEqualTo(1);
    }

    @Test
    void awaitKeepsNonMatchingMessagesForLater() throws Exception {
        RoomgateClient client = connect(Encoding.BINARY);
        List<String> seenByListener = new CopyOnWriteArrayList<>();
        client.onMessage(m -> seenByListener.add(m.getRequestId()));

        client.send(ping("a", 1));
        client.send(ping("b", 2));
        client.send(ping("c", 3));

        assertThat(client.await(m -> m.getRequestId().equals("c"), WAIT)
                        .getPong()
                        .getClientTimeMs())
                .isEqualTo(3);
        assertThat(client.await(m -> true, WAIT).getRequestId()).isEqualTo("a");
        assertThat(client.await(m -> true, WAIT).getRequestId()).isEqualTo("b");
        assertThatThrownBy(() -> client.await(m -> true, Duration.ofMillis(50))).isInstanceOf(TimeoutException.class);
        assertThat(client.received()).extracting(ServerMessage::getRequestId).containsExactly("a", "b", "c");
        assertThat(seenByListener).containsExactly("a", "b", "c");

        client.clearHistory();
        assertThat(client.received()).isEmpty();
    }

    @Test
    void closeFutureReportsTheServersCloseFrame() throws Exception {
        RoomgateClient client = connect(Encoding.JSON);

        client.sendRawText("close-me");

        assertThat(client.closeFuture().get(2, TimeUnit.SECONDS)).isEqualTo(new CloseStatus(1008, "bye"));
        assertThat(client.isOpen()).isFalse();
        assertThatThrownBy(() -> client.await(m -> true, WAIT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void closeFutureReportsMinusOneWithoutCloseFrame() throws Exception {
        RoomgateClient client = connect(Encoding.JSON);

        client.sendRawText("drop-me");

        assertThat(client.closeFuture().get(2, TimeUnit.SECONDS)).isEqualTo(new CloseStatus(-1, ""));
    }

    @Test
    void closeCompletesTheClosingHandshake() throws Exception {
        RoomgateClient client = connect(Encoding.BINARY);

        client.close();

        // The server echoes the client's 1000, which only arrives if the handshake ran both ways.
        assertThat(client.closeFuture()).isCompleted();
        assertThat(client.closeFuture().join().code()).isEqualTo(1000);
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void unparseableFrameIsSurfacedByTheNextAwait() throws Exception {
        RoomgateClient client = connect(Encoding.BINARY);

        client.sendRawText("garbage-please");

        assertThatThrownBy(() -> client.await(m -> true, WAIT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no ServerMessage");
        // Reported once; the connection keeps working.
        client.send(ping("after", 7));
        assertThat(client.await(m -> true, WAIT).getRequestId()).isEqualTo("after");
    }

    @Test
    void convenienceConnectWorksOnItsSharedGroup() throws Exception {
        RoomgateClient client = RoomgateClient.connect(server.uri(), Encoding.JSON);
        clients.add(client);

        assertThat(client.request(ping("", 9), WAIT).getPong().getClientTimeMs())
                .isEqualTo(9);
    }

    @Test
    void handshakeFailureIsAnIOException() {
        assertThatThrownBy(() -> RoomgateClient.connect(
                        group, NioSocketChannel.class, server.uri().resolve("/elsewhere"), Encoding.BINARY, WAIT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("404");
    }

    @Test
    void withoutKeptMessagesTheListenerSeesEveryMessageAndNothingIsStored() throws Exception {
        List<ServerMessage> heard = new CopyOnWriteArrayList<>();
        RoomgateClient client = RoomgateClient.connect(
                group,
                NioSocketChannel.class,
                server.uri(),
                Encoding.BINARY,
                RoomgateClient.Options.defaults()
                        .withTimeout(WAIT)
                        .withKeepMessages(false)
                        .withListener(heard::add));
        clients.add(client);

        for (int i = 0; i < 3; i++) {
            client.send(ping("n" + i, i));
        }
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> heard.size() == 3);

        assertThat(heard).extracting(ServerMessage::getRequestId).containsExactly("n0", "n1", "n2");
        assertThatThrownBy(client::received)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("keepMessages");
        assertThatThrownBy(() -> client.await(m -> true, WAIT)).isInstanceOf(IllegalStateException.class);
    }
}
