package roomgate.gateway;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import roomgate.archive.ArchiveDatabase;
import roomgate.archive.ArchiveReader;
import roomgate.cluster.HazelcastMetrics;
import roomgate.cluster.LiveNodes;
import roomgate.gateway.admin.AdminServer;
import roomgate.gateway.auth.AuthSettings;
import roomgate.gateway.auth.ClientAuth;
import roomgate.gateway.auth.DevTokenHandler;
import roomgate.gateway.auth.DevTokens;
import roomgate.gateway.auth.KeyFiles;
import roomgate.gateway.auth.TokenVerifier;
import roomgate.gateway.config.GatewayConfig;
import roomgate.gateway.feed.HazelcastFeedUpstream;
import roomgate.gateway.feed.PubSubManager;
import roomgate.gateway.games.ArchiveBacklogSampler;
import roomgate.gateway.games.GamesHttpHandler;
import roomgate.gateway.metrics.GatewayMetrics;
import roomgate.gateway.recording.FileTrafficRecorder;
import roomgate.gateway.recording.RoomPattern;
import roomgate.gateway.recording.TrafficRecorder;
import roomgate.gateway.server.GatewayServer;
import roomgate.gateway.session.HazelcastSpentConnections;
import roomgate.gateway.session.ResumeTokens;
import roomgate.gateway.tls.CertificateWatcher;
import roomgate.gateway.tls.ReloadSignal;
import roomgate.gateway.tls.ServerTls;
import roomgate.runtime.Lifecycle;
import roomgate.runtime.ReadyLine;
import roomgate.runtime.http.AdminToken;
import roomgate.runtime.metrics.ProcessMetrics;
import roomgate.runtime.net.Transport;

/**
 * Starts a gateway: joins the cluster as a Hazelcast lite member (it holds no data, it only follows
 * which game nodes are live), then opens the client endpoint. Joining first means the gateway
 * knows the nodes before its first client arrives. On SIGTERM its lifecycle stops the admin API,
 * says goodbye to every client (close 1001 behind what each is owed), and then leaves the cluster.
 */
public final class GatewayMain {
    private static final Logger log = LoggerFactory.getLogger(GatewayMain.class);

    /** How long clients get to take their close frames before the gateway goes on stopping without them. */
    private static final Duration GOODBYE_TIMEOUT = Duration.ofSeconds(5);

    private GatewayMain() {}

    /**
     * Who clients are (--auth) and the resume tokens. The session key comes from --session-key-file,
     * the same file on every gateway of the cluster, never from the cluster itself (any member could
     * read it there); without the flag the gateway makes a key of its own and a resume works only
     * through it.
     */
    private static ClientAuth clientAuth(AuthSettings settings) {
        settings.requireKeys();
        byte[] sessionKey;
        if (settings.sessionKeyFile() != null) {
            sessionKey = KeyFiles.secret(settings.sessionKeyFile(), "session-key-file");
        } else {
            sessionKey = new byte[32];
            new SecureRandom().nextBytes(sessionKey);
            log.warn("no --session-key-file: resume tokens are signed with a key of this gateway only;"
                    + " clients cannot resume through another gateway");
        }
        ResumeTokens resumeTokens = new ResumeTokens(sessionKey, settings.resumeTokenTtl());
        if (settings.mode() == AuthSettings.Mode.NONE) {
            log.warn("*** --auth none: clients are NOT authenticated; every connection is an anonymous player."
                    + " For load tests and trusted networks only. ***");
            return ClientAuth.none(resumeTokens);
        }
        log.info(
                "--auth jwt: clients present a JWT for audience '{}' (HS256 key file {}, JWKS file {})",
                settings.audience(),
                settings.hs256KeyFile(),
                settings.jwksFile());
        return ClientAuth.jwt(TokenVerifier.from(settings), resumeTokens);
    }

    /** {@code GET /auth/dev-token}, with --auth-dev-tokens true only; null otherwise. */
    private static DevTokenHandler devTokens(AuthSettings settings) {
        if (!settings.devTokens()) {
            return null;
        }
        log.warn("*** --auth-dev-tokens: GET /auth/dev-token mints a token for ANY player to whoever asks."
                + " Development only. ***");
        return new DevTokenHandler(
                new DevTokens(KeyFiles.secret(settings.hs256KeyFile(), "auth-hs256-key-file"), settings.audience()));
    }

    /**
     * Gateways are lite members: until a game node joins, the cluster has nowhere to keep a map entry
     * and every map call fails. A gateway started first waits (it could route nothing anyway).
     */
    private static void awaitGameNode(HazelcastInstance hazelcast) throws InterruptedException {
        boolean told = false;
        while (hazelcast.getCluster().getMembers().stream().allMatch(Member::isLiteMember)) {
            if (!told) {
                log.info("waiting for a game node to join the cluster");
                told = true;
            }
            Thread.sleep(200);
        }
    }

    /**
     * {@code GET /games}: the archive the nodes write, read on two threads of its own (JDBC blocks;
     * never on an event loop), through a small pool. The database need not be up at start: a read
     * while it is down answers 503.
     */
    private static GamesHttpHandler startGames(GatewayConfig config, HazelcastInstance hazelcast, Lifecycle lifecycle) {
        if (!config.archive().enabled()) {
            return GamesHttpHandler.off();
        }
        ArchiveDatabase database =
                ArchiveDatabase.open(config.archive(), "archive-" + config.gatewayId(), 4, Duration.ofSeconds(2));
        lifecycle.onStop("archive database", database::close);
        ThreadPoolExecutor readers = new ThreadPoolExecutor(
                2,
                2,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(256),
                new DefaultThreadFactory("games-reader", true));
        lifecycle.onStop("archive readers", readers::shutdown);
        // The backlog for /health, sampled on a thread of its own: IMap.size() asks every member.
        ScheduledExecutorService sampler =
                Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("archive-backlog", true));
        lifecycle.onStop("archive backlog sampler", sampler::shutdownNow);
        ArchiveBacklogSampler backlog = ArchiveBacklogSampler.start(hazelcast, sampler);
        log.info("GET /games reads the archive at {}", config.archive());
        return new GamesHttpHandler(new ArchiveReader(database), readers, backlog::backlog);
    }

    /** The admin API's token: required, so that no operator endpoint is ever open by default. */
    private static AdminToken adminToken(GatewayConfig config) {
        if (config.edge().adminTokenFile() == null) {
            throw new IllegalArgumentException("--admin-token-file is required: a file holding the admin API's bearer"
                    + " token (e.g. `openssl rand -hex 32 > admin-token`; roomgate.sh up makes one)");
        }
        return AdminToken.read(config.edge().adminTokenFile());
    }

    public static void main(String[] args) throws Exception {
        GatewayConfig config;
        TrafficRecorder recorder;
        ClientAuth auth;
        DevTokenHandler devTokens;
        AdminToken adminToken;
        ServerTls tls;
        try {
            config = GatewayConfig.fromArgs(args, System.getenv());
            // Secrets, keys and certificates before joining the cluster: a bad file stops us cleanly.
            auth = clientAuth(config.auth());
            devTokens = devTokens(config.auth());
            adminToken = adminToken(config);
            tls = config.edge().tls() == null
                    ? null
                    : ServerTls.load(config.edge().tls());
            if (config.recording() != null) {
                // Before joining the cluster: a bad pattern or an unwritable file stops us cleanly.
                RoomPattern rooms = RoomPattern.parse(config.recording().roomPattern());
                recorder = FileTrafficRecorder.start(rooms, config.recording().file(), config.gatewayId());
            } else {
                recorder = TrafficRecorder.OFF;
            }
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("roomgate-gateway: "
                    + (e instanceof IOException
                            ? "--record-file: cannot create it (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                                    + ")"
                            : e.getMessage()));
            System.exit(2);
            return;
        }
        Lifecycle lifecycle = Lifecycle.onShutdownHook("gateway " + config.gatewayId());
        HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(
                config.hazelcast().toMemberConfig("roomgate-" + config.gatewayId(), true, Map.of()));
        lifecycle.onStop("hazelcast", hazelcast::shutdown);
        awaitGameNode(hazelcast);
        LiveNodes liveNodes = LiveNodes.follow(hazelcast);
        PrometheusMeterRegistry meters = ProcessMetrics.newRegistry();
        lifecycle.onStop("process meters", ProcessMetrics.bind(meters)::close);
        new HazelcastMetrics(hazelcast).bindTo(meters);
        PubSubManager feeds = PubSubManager.instance();
        feeds.start(new HazelcastFeedUpstream(hazelcast));
        lifecycle.onStop("feeds", feeds::stop);
        // Stopped after the client connections: the recording ends with their ends.
        lifecycle.onStop("recording", recorder::close);
        GamesHttpHandler games = startGames(config, hazelcast, lifecycle);
        Transport transport = config.transport();
        GatewayMetrics metrics = new GatewayMetrics(meters);
        metrics.countMissedFeedUpdates(feeds::missedUpdates);
        // A resume token's connection is spent in the cluster, so it resumes once through any gateway.
        ClientAuth clientAuth = auth.withSpentConnections(
                new HazelcastSpentConnections(hazelcast, config.gatewayId(), ClientAuth.spentFor(auth.resumeTokens())));
        GatewayServer server = GatewayServer.start(
                config, transport, liveNodes::current, clientAuth, devTokens, feeds, games, metrics, recorder, tls);
        lifecycle.onStop("event loops", server::close);
        if (tls != null) {
            // New files are picked up for new connections; open ones keep their session.
            CertificateWatcher watcher = CertificateWatcher.start(
                    tls,
                    config.edge().tls().certFile(),
                    config.edge().tls().keyFile(),
                    Duration.ofMillis(500),
                    Duration.ofMinutes(1));
            lifecycle.onStop("certificate watch", watcher::close);
            ReloadSignal.install(tls::reload);
        }
        lifecycle.onStop("client connections", GOODBYE_TIMEOUT.plusSeconds(1), () -> {
            int open = server.openClients();
            if (!server.sayGoodbye(GOODBYE_TIMEOUT)) {
                log.warn(
                        "{} of {} client connections did not close within {} ms",
                        server.openClients(),
                        open,
                        GOODBYE_TIMEOUT.toMillis());
            }
        });
        liveNodes.onChange(server.routers()::viewChanged);
        AdminServer admin =
                AdminServer.start(config.adminHost(), config.adminPort(), adminToken, hazelcast, liveNodes, meters);
        lifecycle.onStop("admin", admin::close);

        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("gateway-id", config.gatewayId());
        ready.put("port", server.port());
        ready.put("admin-port", admin.port());
        ready.put(
                "hz-port", hazelcast.getCluster().getLocalMember().getAddress().getPort());
        ready.put("pid", ProcessHandle.current().pid());
        ready.put("transport", transport);
        ready.put("tls", tls == null ? "off" : tls.provider());
        ready.put("archive", config.archive().enabled() ? "on" : "off");
        System.out.println(ReadyLine.format("gateway", ready));
        System.out.flush();
    }
}
