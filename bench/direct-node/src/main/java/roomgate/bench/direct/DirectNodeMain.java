package roomgate.bench.direct;

import java.util.ArrayList;
import java.util.List;
import roomgate.node.NodeMain;

/**
 * A game node with the benchmarks' direct WebSocket listener beside its node links: takes
 * {@code --ws-port PORT} (0 = any free port) on top of every flag of the node, and adds
 * {@code ws-port} to the ready line. Benchmark only: the product's clients always go through a
 * gateway.
 */
public final class DirectNodeMain {
    static final String WS_PORT = "--ws-port";

    private DirectNodeMain() {}

    public static void main(String[] args) throws Exception {
        List<String> nodeArgs = new ArrayList<>();
        int wsPort;
        try {
            wsPort = wsPort(args, nodeArgs);
        } catch (IllegalArgumentException e) {
            System.err.println("roomgate-node-direct: " + e.getMessage());
            System.exit(2);
            return;
        }
        NodeMain.run(nodeArgs.toArray(String[]::new), (node, ready) -> {
            DirectWebSocketServer direct = DirectWebSocketServer.start(
                    node.transport(),
                    node.config().linkHost(),
                    wsPort,
                    node.config().ioThreads(),
                    node.registry());
            node.lifecycle().onStop("direct listener", direct::close);
            ready.put("ws-port", direct.port());
        });
    }

    /** Takes {@code --ws-port} out of {@code args} (the rest go to {@code rest}) and returns its value. */
    static int wsPort(String[] args, List<String> rest) {
        Integer port = null;
        for (int i = 0; i < args.length; i++) {
            String value;
            if (args[i].equals(WS_PORT) && i + 1 < args.length) {
                value = args[++i];
            } else if (args[i].startsWith(WS_PORT + "=")) {
                value = args[i].substring(WS_PORT.length() + 1);
            } else {
                rest.add(args[i]);
                continue;
            }
            try {
                port = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(WS_PORT + ": '" + value + "' (expected: a port from 0 to 65535)");
            }
        }
        if (port == null) {
            throw new IllegalArgumentException(WS_PORT + " is required (0 = any free port)");
        }
        return port;
    }
}
