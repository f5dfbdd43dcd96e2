package roomgate.loadtest.cli;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Option;
import roomgate.client.RoomgateClient;
import roomgate.loadtest.net.ClientTokens;
import roomgate.loadtest.net.Target;

/** Options every traffic-generating command takes: where to, in which encoding, with how many threads, report where. */
final class CommonOptions {
    @Option(
            names = "--target",
            required = true,
            paramLabel = "URL",
            description =
                    "ws://HOST:PORT/ws (a gateway or a proxy), or direct:URL1,URL2 (game nodes' --ws-port listeners)")
    String target;

    @Option(
            names = "--encoding",
            defaultValue = "BINARY",
            description = "BINARY (protobuf) or JSON frames (default: ${DEFAULT-VALUE})")
    RoomgateClient.Encoding encoding;

    @Option(names = "--io-threads", defaultValue = "2", description = "client event loops (default: ${DEFAULT-VALUE})")
    int ioThreads;

    @Option(
            names = "--report",
            paramLabel = "BASE",
            description = "write BASE.json and BASE.html (default: loadtest-reports/COMMAND-TIMESTAMP)")
    Path report;

    @Option(
            names = "--timeout-seconds",
            defaultValue = "600",
            description = "give up after this long (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "client tokens (JWTs), one per line; client i presents line i (cycling)")
    Path tokenFile;

    @Option(
            names = "--auth-hs256-key-file",
            paramLabel = "FILE",
            description = "mint a token per client (players loadtest-1, -2, ...) with this HS256 secret file")
    Path hs256KeyFile;

    @Option(
            names = "--auth-audience",
            defaultValue = "roomgate",
            description = "the aud of minted tokens (default: ${DEFAULT-VALUE})")
    String audience;

    Target target() {
        Target parsed = Target.parse(target);
        if (tokenFile != null && hs256KeyFile != null) {
            throw new IllegalArgumentException("--token-file and --auth-hs256-key-file: one or the other");
        }
        if (tokenFile != null) {
            return parsed.withTokens(ClientTokens.fromFile(tokenFile));
        }
        if (hs256KeyFile != null) {
            return parsed.withTokens(ClientTokens.minted(hs256KeyFile, audience));
        }
        return parsed;
    }

    Path reportBase(String command) {
        if (report != null) {
            return report;
        }
        return Path.of(
                "loadtest-reports",
                command + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }
}
