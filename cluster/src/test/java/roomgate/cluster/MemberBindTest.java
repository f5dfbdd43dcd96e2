package roomgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashSet;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import roomgate.runtime.Flags;

/**
 * The member port listens on the interface {@code --hz-host} names and on no other: on Linux every
 * 127.0.0.0/8 address reaches the loopback device, so a member bound to 127.0.0.1 only must refuse
 * a connection to the same port at 127.0.0.2, which a member bound to every interface would accept.
 */
class MemberBindTest {
    @Test
    void theMemberPortIsBoundToTheChosenInterfaceOnly() throws IOException {
        HazelcastSettings settings = HazelcastSettings.fromFlags(Flags.parse(
                new String[] {
                    "--hz-host", "127.0.0.1",
                    "--hz-port", "5901",
                    "--hz-members", "127.0.0.1:5901",
                    "--cluster-name", "bind-test-" + UUID.randomUUID(),
                    "--quorum-size", "1"
                },
                Map.of(),
                new HashSet<>(HazelcastSettings.FLAGS)));
        Config config = settings.toMemberConfig("bind-test", false, Map.of());
        assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        try {
            InetSocketAddress bound = member.getCluster().getLocalMember().getSocketAddress();
            assertThat(bound.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            try (Socket reachable = new Socket()) {
                reachable.connect(new InetSocketAddress("127.0.0.1", bound.getPort()), 5_000);
                assertThat(reachable.isConnected()).isTrue();
            }
            assertThatThrownBy(() -> {
                        try (Socket other = new Socket()) {
                            other.connect(new InetSocketAddress("127.0.0.2", bound.getPort()), 5_000);
                        }
                    })
                    .as("the same port on another address of the host")
                    .isInstanceOf(ConnectException.class);
        } finally {
            member.shutdown();
        }
    }
}
