package roomgate.gateway.routing;

import java.util.Objects;
import org.slf4j.LoggerFactory;
import roomgate.wire.link.LinkAuth;
import roomgate.wire.link.LinkSettings;

/**
 * What every link of a gateway says and how it keeps alive: the gateway's id, the secret it proves
 * itself with and checks the node's proof against ({@link LinkAuth}, read once at start-up) and the
 * heartbeat and timeouts.
 */
public record LinkOptions(String gatewayId, LinkSettings settings, LinkAuth auth) {
    public LinkOptions {
        Objects.requireNonNull(gatewayId, "gatewayId");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(auth, "auth");
    }

    /** The process's options, read from its settings now (the secret file too); says loudly if auth is off. */
    public static LinkOptions startUp(String gatewayId, LinkSettings settings) {
        LinkAuth auth = settings.auth();
        if (!auth.required()) {
            LoggerFactory.getLogger(LinkOptions.class)
                    .warn("LINK AUTHENTICATION IS OFF (--link-auth none): nodes that require it refuse this gateway's"
                            + " links, nodes that do not take links from anyone, and any process at a node's link"
                            + " address is taken for that node. Only for tests.");
        }
        return new LinkOptions(gatewayId, settings, auth);
    }

    /** No authentication, default timing: for tests that run a gateway in-process against fake nodes. */
    public static LinkOptions unauthenticated(String gatewayId) {
        return new LinkOptions(gatewayId, LinkSettings.unauthenticated(), LinkAuth.none());
    }
}
