package roomgate.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import roomgate.cluster.HazelcastSettings;
import roomgate.gateway.config.GatewayConfig;
import roomgate.node.NodeConfig;
import roomgate.node.NodeMain;
import roomgate.runtime.Flags;

/**
 * The deploy manifests against the code, so that they cannot silently rot: no Kubernetes cluster,
 * image build or systemd can run where the tests run, so what can be checked is checked here.
 * Every Kubernetes manifest ({@code deploy/k8s/}), Dockerfile ({@code deploy/docker/}) and systemd
 * unit with its environment file ({@code deploy/systemd/}) is parsed, and:
 * <ul>
 *   <li>each flag and {@code ROOMGATE_} variable it names is one the process parses: its arguments
 *       and environment go through the real {@code NodeConfig.fromArgs} / {@code GatewayConfig.fromArgs},
 *       so a value the process would refuse is caught too;
 *   <li>each port it names (container ports, probes, Services, {@code EXPOSE}) is one the process
 *       opens with that configuration, and each probe is on an HTTP port;
 *   <li>each probe path answers 200 on a real gateway and node started here (the last test);
 *   <li>the objects fit together: Services and PodDisruptionBudgets select pods, the Hazelcast
 *       service's DNS name is the one the members ask for, the jvm.options ConfigMap equals
 *       {@code deploy/jvm.options} and is mounted where the image's {@code java @...} reads it, and
 *       a node is given longer to stop than its drain may take.
 * </ul>
 * The last but one test changes a flag, a port and a path in copies of the manifests and expects each to be caught.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeployManifestsTest {
    private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
    private static final Path REPO = DEPLOY.getParent();
    private static final Pattern ENV_REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
    /** Stand-ins for what the kubelet fills in from the downward API. */
    private static final String POD_IP = "10.0.0.7";

    private LocalCluster cluster;

    /** The two server processes, each with its jar, its flags and the ports it serves HTTP on. */
    enum Kind {
        NODE("roomgate-node", "game-node", NodeConfig.class, Map.of("metrics-port", "metrics-port")),
        GATEWAY("roomgate-gateway", "gateway", GatewayConfig.class, Map.of("port", "port", "admin-port", "admin-port"));

        final String image;
        final String module;
        final Class<?> configClass;
        /** Port flag -> the ready-line field with the port it got, for the flags whose port speaks HTTP. */
        final Map<String, String> httpPorts;

        Kind(String image, String module, Class<?> configClass, Map<String, String> httpPorts) {
            this.image = image;
            this.module = module;
            this.configClass = configClass;
            this.httpPorts = httpPorts;
        }

        /** The runnable jar's name, as the module's pom names it ({@code runnable.jar}). */
        String jarName() {
            try {
                Matcher m = Pattern.compile("<runnable\\.jar>([^<]+)</runnable\\.jar>")
                        .matcher(Files.readString(REPO.resolve(module).resolve("pom.xml")));
                if (!m.find()) {
                    throw new AssertionError(module + "/pom.xml names no runnable.jar");
                }
                return m.group(1) + ".jar";
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        /** Every flag the process accepts: its own and Hazelcast's (and a gateway's client identity). */
        Set<String> flags() {
            List<String> own = staticField(configClass, "FLAGS");
            Set<String> all = new TreeSet<>(own);
            all.addAll(HazelcastSettings.FLAGS);
            if (this == GATEWAY) {
                all.addAll(roomgate.gateway.auth.AuthSettings.FLAGS);
            }
            return all;
        }

        /** Runs the process's own flag parser; returns the port each port flag ends up with. */
        Map<String, Integer> ports(List<String> args, Map<String, String> env) {
            String[] a = args.toArray(String[]::new);
            if (this == NODE) {
                NodeConfig c = NodeConfig.fromArgs(a, env);
                return Map.of(
                        "link-port",
                        c.linkPort(),
                        "metrics-port",
                        c.metricsPort(),
                        "hz-port",
                        c.hazelcast().port());
            }
            GatewayConfig c = GatewayConfig.fromArgs(a, env);
            return Map.of(
                    "port",
                    c.port(),
                    "admin-port",
                    c.adminPort(),
                    "hz-port",
                    c.hazelcast().port());
        }

        HazelcastSettings hazelcast(List<String> args, Map<String, String> env) {
            String[] a = args.toArray(String[]::new);
            return this == NODE
                    ? NodeConfig.fromArgs(a, env).hazelcast()
                    : GatewayConfig.fromArgs(a, env).hazelcast();
        }

        static Kind ofJar(String jar) {
            return Stream.of(values())
                    .filter(k -> jar.endsWith("/" + k.jarName()) || jar.equals(k.jarName()))
                    .findFirst()
                    .orElse(null);
        }

        static Kind ofImage(String image) {
            String name = image.substring(image.lastIndexOf('/') + 1);
            int tag = name.indexOf(':');
            String repo = tag < 0 ? name : name.substring(0, tag);
            return Stream.of(values())
                    .filter(k -> k.image.equals(repo))
                    .findFirst()
                    .orElse(null);
        }
    }

    /** A probe as a manifest wrote it, resolved to the port flag it reaches. */
    record Probe(String where, Kind kind, String portFlag, String path) {}

    /** What the checks found: problems (empty when the manifests are right) and the HTTP probes to try. */
    record Findings(List<String> problems, List<Probe> probes) {}

    /** A change to one file before the checks read it: for showing that a broken manifest is caught. */
    record Edit(String file, String from, String to) {}

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyManifestNamesOnlyFlagsPortsAndObjectsThatExist() throws Exception {
        Findings findings = check(List.of());
        assertThat(findings.problems()).as("problems in deploy/").isEmpty();
        // What the checks saw, so that a check that silently found nothing would fail here.
        assertThat(findings.probes())
                .extracting(p -> p.kind() + " " + p.portFlag() + " " + p.path())
                .contains("NODE metrics-port /metrics", "GATEWAY port /health");
    }

    @Test
    void aWrongFlagVariablePortOrValueIsCaught() throws Exception {
        Map<Edit, String> cases = new LinkedHashMap<>();
        cases.put(
                new Edit("k8s/node-statefulset.yaml", "ROOMGATE_DRAIN_ON_SIGTERM", "ROOMGATE_DRAIN_ON_SIGTRM"),
                "ROOMGATE_DRAIN_ON_SIGTRM, which is no flag");
        cases.put(
                new Edit("k8s/node-statefulset.yaml", "containerPort: 9090", "containerPort: 9091"),
                "containerPort 9091");
        cases.put(
                new Edit(
                        "k8s/gateway-deployment.yaml",
                        "port: client\n            periodSeconds: 2",
                        "port: hazelcast\n            periodSeconds: 2"),
                "not an HTTP port");
        cases.put(
                new Edit("k8s/gateway-service.yaml", "targetPort: client", "targetPort: clients"),
                "targetPort clients");
        cases.put(
                new Edit("k8s/hazelcast-service.yaml", "name: roomgate-hz\n", "name: roomgate-members\n"),
                "roomgate-hz.roomgate.svc.cluster.local");
        cases.put(new Edit("k8s/node-statefulset.yaml", "value: kubernetes", "value: k8s"), "--hz-discovery: 'k8s'");
        cases.put(new Edit("k8s/node-statefulset.yaml", "value: \"2\"", "value: 2"), "which is no string");
        cases.put(
                new Edit(
                        "k8s/node-statefulset.yaml",
                        "terminationGracePeriodSeconds: 60",
                        "terminationGracePeriodSeconds: 30"),
                "terminationGracePeriodSeconds 30");
        String nodeBudget = "  selector:\n    matchLabels:\n      app.kubernetes.io/name: roomgate-node";
        cases.put(
                new Edit("k8s/pdb.yaml", "maxUnavailable: 1\n" + nodeBudget, "maxUnavailable: 2\n" + nodeBudget),
                "maxUnavailable 2");
        cases.put(
                new Edit("k8s/jvm-options.yaml", "-XX:MetaspaceSize=128m", "-XX:MetaspaceSize=64m"),
                "deploy/jvm.options");
        cases.put(
                new Edit("docker/node.Dockerfile", "ROOMGATE_METRICS_PORT=9090", "ROOMGATE_METRIC_PORT=9090"),
                "ROOMGATE_METRIC_PORT, which is no flag");
        cases.put(new Edit("docker/gateway.Dockerfile", "EXPOSE 8080 5701", "EXPOSE 8080 5701 8443"), "EXPOSE 8443");
        cases.put(
                new Edit(
                        "docker/gateway.Dockerfile",
                        "gateway/target/roomgate-gateway.jar /opt",
                        "gateway/target/gateway.jar /opt"),
                "gateway/target/gateway.jar");
        cases.put(
                new Edit("systemd/gateway.env", "ROOMGATE_ADMIN_PORT=8081", "ROOMGATE_ADMIN_PORT=80801"),
                "--admin-port: 80801");
        cases.put(
                new Edit("systemd/roomgate-node.service", "TimeoutStopSec=60", "TimeoutStopSec=20"),
                "TimeoutStopSec 20");
        cases.put(
                new Edit(
                        "systemd/roomgate-node.service",
                        "-jar /opt/roomgate/roomgate-node.jar",
                        "-jar /opt/roomgate/roomgate-node.jar --node-name n1"),
                "unknown flag --node-name");
        for (Map.Entry<Edit, String> c : cases.entrySet()) {
            Edit edit = c.getKey();
            assertThat(String.join("\n", check(List.of(edit)).problems()))
                    .as("%s: '%s' -> '%s'", edit.file(), edit.from(), edit.to())
                    .contains(c.getValue());
        }
    }

    @Test
    void everyProbePathAnswers200OnARealGatewayAndNode() throws Exception {
        Findings findings = check(List.of());
        assertThat(findings.probes()).isNotEmpty();
        cluster = LocalCluster.start("deploy-manifests", 1, 1);
        Map<String, String> nodeReady = cluster.nodes().get("node-1").readyFields();
        Map<String, String> gatewayReady = cluster.gateway(0).readyFields();
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        List<Probe> probes = new ArrayList<>(findings.probes());
        // A path no process serves must fail the same way: the check itself is checked.
        probes.add(new Probe("(a wrong path, expected to fail)", Kind.NODE, "metrics-port", "/health"));
        List<String> failed = new ArrayList<>();
        for (Probe probe : probes) {
            Map<String, String> ready = probe.kind() == Kind.NODE ? nodeReady : gatewayReady;
            String port = ready.get(probe.kind().httpPorts.get(probe.portFlag()));
            URI uri = URI.create("http://127.0.0.1:" + port + probe.path());
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                failed.add(probe.where() + ": GET " + probe.path() + " on --" + probe.portFlag() + " -> "
                        + response.statusCode());
            }
        }
        assertThat(failed)
                .as("probes that did not answer 200")
                .containsExactly("(a wrong path, expected to fail): GET /health on --metrics-port -> 404");
    }

    // ------------------------------------------------------------------------------------------
    // The checks

    /** Reads every file under deploy/ (with {@code edits} applied) and checks them all. */
    static Findings check(List<Edit> edits) throws IOException {
        List<String> problems = new ArrayList<>();
        List<Probe> probes = new ArrayList<>();
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(DEPLOY)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                files.put(DEPLOY.relativize(p).toString().replace('\\', '/'), Files.readString(p));
            }
        }
        for (Edit edit : edits) {
            String text = files.get(edit.file());
            if (text == null || !text.contains(edit.from())) {
                throw new AssertionError("edit " + edit + ": no such text in deploy/" + edit.file());
            }
            files.put(edit.file(), text.replace(edit.from(), edit.to()));
        }
        Map<Kind, Dockerfile> images = new HashMap<>();
        files.forEach((name, text) -> {
            if (name.startsWith("docker/")) {
                Dockerfile d = checkDockerfile(name, text, problems);
                if (d != null) {
                    images.put(d.kind(), d);
                }
            }
        });
        for (Kind kind : Kind.values()) {
            if (!images.containsKey(kind)) {
                problems.add("deploy/docker: no Dockerfile builds " + kind.jarName());
            }
        }
        checkKubernetes(files, images, problems, probes);
        checkSystemd(files, problems);
        return new Findings(problems, probes);
    }

    /** A parsed Dockerfile: which process, its ENV, where it reads jvm.options. */
    record Dockerfile(Kind kind, Map<String, String> env, String jvmOptionsPath) {}

    static Dockerfile checkDockerfile(String name, String text, List<String> problems) {
        String where = "deploy/" + name;
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> copies = new LinkedHashMap<>(); // destination -> source
        List<Integer> exposed = new ArrayList<>();
        List<String> entrypoint = null;
        boolean from17 = false;
        for (String line : text.replace("\\\n", " ").split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] parts = l.split("\\s+", 2);
            String rest = parts.length > 1 ? parts[1] : "";
            switch (parts[0].toUpperCase()) {
                case "FROM" -> from17 = rest.matches("(eclipse-temurin:17-jre\\S*|debian:\\S+)(\\s+AS\\s+\\S+)?");
                case "COPY" -> {
                    String[] s = rest.split("\\s+");
                    copies.put(s[s.length - 1], s[0]);
                }
                case "ENV" -> {
                    for (String kv : rest.split("\\s+")) {
                        int eq = kv.indexOf('=');
                        if (eq < 0) {
                            problems.add(where + ": ENV " + kv + " (expected: NAME=value)");
                        } else {
                            env.put(kv.substring(0, eq), kv.substring(eq + 1));
                        }
                    }
                }
                case "EXPOSE" -> {
                    for (String p : rest.split("\\s+")) {
                        exposed.add(Integer.parseInt(p.replace("/tcp", "")));
                    }
                }
                case "ENTRYPOINT" -> entrypoint = jsonArray(rest);
                default -> {
                    // RUN, USER, LABEL...: nothing that names a flag, port or path of ours.
                }
            }
        }
        if (!from17) {
            problems.add(where + ": FROM is not an eclipse-temurin 17 JRE or Debian image");
        }
        if (entrypoint == null) {
            problems.add(where + ": no exec-form ENTRYPOINT [\"java\", ...] (java must be PID 1 to get SIGTERM)");
            return null;
        }
        int jar = entrypoint.indexOf("-jar");
        Kind kind = jar >= 0 && jar + 1 < entrypoint.size() ? Kind.ofJar(entrypoint.get(jar + 1)) : null;
        if (kind == null) {
            problems.add(where + ": ENTRYPOINT runs no roomgate jar with -jar: " + entrypoint);
            return null;
        }
        String jarPath = entrypoint.get(jar + 1);
        String jarSource = copies.get(jarPath);
        String expectedJar = kind.module + "/target/" + kind.jarName();
        if (!expectedJar.equals(jarSource)) {
            problems.add(where + ": " + jarPath + " is copied from " + jarSource + " (expected: " + expectedJar
                    + ", what `mvn package` builds)");
        }
        String jvmOptions = entrypoint.stream()
                .filter(a -> a.startsWith("@"))
                .map(a -> a.substring(1))
                .findFirst()
                .orElse(null);
        if (jvmOptions == null || !"deploy/jvm.options".equals(copies.get(jvmOptions))) {
            problems.add(where + ": ENTRYPOINT does not read deploy/jvm.options (expected: java @PATH with "
                    + "COPY deploy/jvm.options PATH)");
        }
        for (Map.Entry<String, String> copy : copies.entrySet()) {
            if (!copy.getValue().equals(expectedJar) && !Files.exists(REPO.resolve(copy.getValue()))) {
                problems.add(where + ": COPY " + copy.getValue() + ": no such file in the repository");
            }
        }
        checkEnvNames(where, kind, env.keySet(), problems);
        Map<String, Integer> ports = parse(where, kind, List.of(), env, problems);
        if (ports != null) {
            for (int port : exposed) {
                if (!ports.containsValue(port)) {
                    problems.add(where + ": EXPOSE " + port + ", a port the " + kind + " does not open with this ENV "
                            + "(it opens " + ports + ")");
                }
            }
        }
        return new Dockerfile(kind, env, jvmOptions);
    }

    static void checkKubernetes(
            Map<String, String> files, Map<Kind, Dockerfile> images, List<String> problems, List<Probe> probes) {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        Map<String, Map<String, Object>> objects = new LinkedHashMap<>(); // "Kind/name" -> object
        Set<String> listed = new HashSet<>();
        List<String> manifests = new ArrayList<>();
        files.forEach((name, text) -> {
            if (!name.startsWith("k8s/")) {
                return;
            }
            if (!name.endsWith(".yaml")) {
                problems.add("deploy/" + name + ": not a .yaml manifest");
                return;
            }
            if (name.equals("k8s/kustomization.yaml")) {
                Map<String, Object> k = asMap(yaml.load(text));
                asList(k.get("resources")).forEach(r -> listed.add("k8s/" + r));
                return;
            }
            manifests.add(name);
            for (Object doc : yaml.loadAll(text)) {
                Map<String, Object> o = asMap(doc);
                String id = o.get("kind") + "/" + at(o, "metadata", "name");
                if (!"roomgate".equals(at(o, "metadata", "namespace")) && !"Namespace".equals(o.get("kind"))) {
                    problems.add("deploy/" + name + ": " + id + " is not in namespace roomgate");
                }
                o.put("_file", "deploy/" + name);
                objects.put(id, o);
            }
        });
        for (String m : manifests) {
            if (!listed.remove(m)) {
                problems.add("deploy/" + m + ": not listed in deploy/k8s/kustomization.yaml");
            }
        }
        listed.forEach(l -> problems.add("deploy/k8s/kustomization.yaml lists " + l + ", which does not exist"));

        // The pods: their labels, and per container the process, its effective ports and port names.
        record Pod(String where, Map<String, Object> labels, List<PodContainer> containers, Map<String, Object> spec) {}
        List<Pod> pods = new ArrayList<>();
        for (Map<String, Object> o : objects.values()) {
            if (!List.of("StatefulSet", "Deployment").contains(String.valueOf(o.get("kind")))) {
                continue;
            }
            String where = o.get("_file") + ": " + o.get("kind") + "/" + at(o, "metadata", "name");
            Map<String, Object> template = asMap(at(o, "spec", "template"));
            Map<String, Object> labels = asMap(at(template, "metadata", "labels"));
            Map<String, Object> selector = asMap(at(o, "spec", "selector", "matchLabels"));
            if (!selects(selector, labels)) {
                problems.add(where + ": spec.selector " + selector + " does not select its own pods " + labels);
            }
            Map<String, Object> spec = asMap(template.get("spec"));
            List<PodContainer> containers = new ArrayList<>();
            for (Object c : asList(spec.get("containers"))) {
                PodContainer pc = checkContainer(
                        where, String.valueOf(at(o, "metadata", "name")), asMap(c), images, problems, probes);
                if (pc != null) {
                    containers.add(pc);
                    checkVolumes(where, pc, spec, objects, images.get(pc.kind()), problems);
                    if (pc.kind() == Kind.NODE) {
                        checkNodeStop(where, pc, spec, problems);
                    }
                }
            }
            if ("StatefulSet".equals(o.get("kind"))
                    && !objects.containsKey("Service/" + at(o, "spec", "serviceName"))) {
                problems.add(where + ": serviceName " + at(o, "spec", "serviceName") + " is no Service here");
            }
            pods.add(new Pod(where, labels, containers, spec));
        }

        // Services: each selects pods, and each targetPort is a port those pods open.
        Set<String> headlessDns = new HashSet<>();
        for (Map<String, Object> o : objects.values()) {
            if (!"Service".equals(o.get("kind"))) {
                continue;
            }
            String name = String.valueOf(at(o, "metadata", "name"));
            String where = o.get("_file") + ": Service/" + name;
            Map<String, Object> selector = asMap(at(o, "spec", "selector"));
            List<Pod> selected =
                    pods.stream().filter(p -> selects(selector, p.labels())).toList();
            if (selected.isEmpty()) {
                problems.add(where + ": its selector " + selector + " selects no pod");
            }
            boolean headless = "None".equals(at(o, "spec", "clusterIP"));
            for (Object portObject : asList(at(o, "spec", "ports"))) {
                Object target = asMap(portObject)
                        .getOrDefault("targetPort", asMap(portObject).get("port"));
                for (Pod pod : selected) {
                    for (PodContainer c : pod.containers()) {
                        if (c.resolve(target) == null) {
                            problems.add(where + ": targetPort " + target + " is no port of " + pod.where()
                                    + " (its ports: " + c.portNames() + ")");
                        } else if (headless && !"hz-port".equals(c.flagOfPort(c.resolve(target)))) {
                            problems.add(where + ": the headless service's targetPort " + target
                                    + " is not the Hazelcast port of " + pod.where());
                        }
                    }
                }
            }
            if (headless) {
                if (!Boolean.TRUE.equals(at(o, "spec", "publishNotReadyAddresses"))) {
                    problems.add(where + ": publishNotReadyAddresses must be true (pods are ready only after joining)");
                }
                headlessDns.add(name + "." + at(o, "metadata", "namespace") + ".svc.cluster.local");
            }
        }
        // Members ask the DNS for a headless Service that exists.
        for (Pod pod : pods) {
            for (PodContainer c : pod.containers()) {
                String dns = c.hazelcast() == null ? null : c.hazelcast().kubernetesServiceDns();
                if (dns == null) {
                    problems.add(pod.where() + ": container " + c.name() + " does not use --hz-discovery kubernetes");
                } else if (!headlessDns.contains(dns)) {
                    problems.add(pod.where() + ": --hz-k8s-service-dns " + dns + " is no headless Service here "
                            + "(these are: " + headlessDns + ")");
                }
            }
        }
        // One game node down at a time.
        for (Map<String, Object> o : objects.values()) {
            if (!"PodDisruptionBudget".equals(o.get("kind"))) {
                continue;
            }
            String where = o.get("_file") + ": PodDisruptionBudget/" + at(o, "metadata", "name");
            Map<String, Object> selector = asMap(at(o, "spec", "selector", "matchLabels"));
            List<Pod> selected =
                    pods.stream().filter(p -> selects(selector, p.labels())).toList();
            if (selected.isEmpty()) {
                problems.add(where + ": its selector " + selector + " selects no pod");
            }
            if (!Integer.valueOf(1).equals(at(o, "spec", "maxUnavailable"))) {
                problems.add(where + ": maxUnavailable " + at(o, "spec", "maxUnavailable")
                        + " (expected: 1; room records have one backup)");
            }
        }
        boolean nodesCovered = objects.values().stream()
                .anyMatch(o -> "PodDisruptionBudget".equals(o.get("kind"))
                        && pods.stream()
                                .filter(p -> selects(asMap(at(o, "spec", "selector", "matchLabels")), p.labels()))
                                .anyMatch(p -> p.containers().stream().anyMatch(c -> c.kind() == Kind.NODE)));
        if (!nodesCovered) {
            problems.add("deploy/k8s: no PodDisruptionBudget covers the game nodes");
        }
    }

    /** A container of a pod template, resolved: the process it runs and the ports it opens. */
    record PodContainer(
            String name,
            Kind kind,
            Map<String, Integer> namedPorts,
            Map<String, Integer> ports,
            HazelcastSettings hazelcast,
            boolean drains) {
        Integer resolve(Object port) {
            if (port instanceof Integer n) {
                return ports.containsValue(n) ? n : null;
            }
            return namedPorts.get(String.valueOf(port));
        }

        String flagOfPort(int port) {
            return ports.entrySet().stream()
                    .filter(e -> e.getValue() == port)
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElse(null);
        }

        Set<String> portNames() {
            return namedPorts.keySet();
        }
    }

    static PodContainer checkContainer(
            String where,
            String workload,
            Map<String, Object> c,
            Map<Kind, Dockerfile> images,
            List<String> problems,
            List<Probe> probes) {
        String name = String.valueOf(c.get("name"));
        String here = where + ": container " + name;
        Kind kind = Kind.ofImage(String.valueOf(c.get("image")));
        if (kind == null) {
            problems.add(here + ": image " + c.get("image") + " is none of ours (roomgate-node, roomgate-gateway)");
            return null;
        }
        if (c.containsKey("command")) {
            problems.add(here + ": sets command, which replaces the image's java @jvm.options ENTRYPOINT; use args");
        }
        // The environment the process sees: the image's ENV, then the container's env in order.
        Map<String, String> env =
                new LinkedHashMap<>(images.containsKey(kind) ? images.get(kind).env() : Map.of());
        Set<String> referenced = new HashSet<>();
        Set<String> declared = new HashSet<>();
        for (Object e : asList(c.get("env"))) {
            Map<String, Object> var = asMap(e);
            String varName = String.valueOf(var.get("name"));
            declared.add(varName);
            String value;
            if (var.containsKey("value")) {
                if (!(var.get("value") instanceof String)) {
                    // Kubernetes refuses the manifest: an env value must be a string ("2", not 2).
                    problems.add(here + ": env " + varName + " has the value " + var.get("value")
                            + ", which is no string (quote it)");
                }
                value = expand(here, String.valueOf(var.get("value")), env, referenced, problems);
            } else {
                String field = String.valueOf(at(var, "valueFrom", "fieldRef", "fieldPath"));
                value = switch (field) {
                    case "metadata.name" -> workload + "-0";
                    case "metadata.namespace" -> "roomgate";
                    case "status.podIP" -> POD_IP;
                    default -> {
                        problems.add(here + ": env " + varName + " from " + field + ", which this test does not know");
                        yield "x";
                    }
                };
            }
            env.put(varName, value);
        }
        List<String> args = new ArrayList<>();
        for (Object a : asList(c.get("args"))) {
            args.add(expand(here, String.valueOf(a), env, referenced, problems));
        }
        checkEnvNames(here, kind, declared, problems);
        for (String d : declared) {
            if (!d.startsWith("ROOMGATE_") && !referenced.contains(d)) {
                problems.add(here + ": env " + d + " is used by nothing (no ROOMGATE_ variable and no $(" + d + "))");
            }
        }
        Map<String, Integer> ports = parse(here, kind, args, env, problems);
        if (ports == null) {
            return null;
        }
        Map<String, Integer> named = new LinkedHashMap<>();
        for (Object p : asList(c.get("ports"))) {
            Map<String, Object> port = asMap(p);
            Object number = port.get("containerPort");
            if (!(number instanceof Integer n) || !ports.containsValue(n)) {
                problems.add(here + ": containerPort " + number + " (" + port.get("name") + ") is no port the " + kind
                        + " opens; it opens " + new TreeMap<>(ports));
                continue;
            }
            if (port.get("name") != null) {
                named.put(String.valueOf(port.get("name")), n);
            }
        }
        HazelcastSettings hazelcast = kind.hazelcast(args, env);
        boolean drains = kind != Kind.NODE
                || NodeConfig.fromArgs(args.toArray(String[]::new), env).drainOnSigterm();
        PodContainer container = new PodContainer(name, kind, named, ports, hazelcast, drains);
        for (String probeName : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            Map<String, Object> probe = asMap(c.get(probeName));
            if (probe.isEmpty()) {
                if (!probeName.equals("startupProbe")) {
                    problems.add(here + ": no " + probeName);
                }
                continue;
            }
            Map<String, Object> httpGet = asMap(probe.get("httpGet"));
            Object portRef = httpGet.isEmpty() ? at(probe, "tcpSocket", "port") : httpGet.get("port");
            Integer port = container.resolve(portRef);
            if (port == null) {
                problems.add(here + ": " + probeName + " port " + portRef + " is no port the " + kind + " opens");
                continue;
            }
            String flag = container.flagOfPort(port);
            if (!httpGet.isEmpty()) {
                if (!kind.httpPorts.containsKey(flag)) {
                    problems.add(here + ": " + probeName + " is an HTTP GET on --" + flag + " (" + port
                            + "), not an HTTP port (HTTP: " + kind.httpPorts.keySet() + ")");
                } else {
                    probes.add(new Probe(here + " " + probeName, kind, flag, String.valueOf(httpGet.get("path"))));
                }
            }
        }
        return container;
    }

    /** The jvm.options ConfigMap is deploy/jvm.options and is mounted where the image's java reads it. */
    static void checkVolumes(
            String where,
            PodContainer c,
            Map<String, Object> spec,
            Map<String, Map<String, Object>> objects,
            Dockerfile image,
            List<String> problems) {
        if (image == null || image.jvmOptionsPath() == null) {
            return; // already a problem of its Dockerfile
        }
        String dir = image.jvmOptionsPath().substring(0, image.jvmOptionsPath().lastIndexOf('/'));
        String file = image.jvmOptionsPath().substring(dir.length() + 1);
        Map<String, Object> container = asList(spec.get("containers")).stream()
                .map(DeployManifestsTest::asMap)
                .filter(m -> c.name().equals(m.get("name")))
                .findFirst()
                .orElseThrow();
        String volume = asList(container.get("volumeMounts")).stream()
                .map(DeployManifestsTest::asMap)
                .filter(m -> dir.equals(m.get("mountPath")))
                .map(m -> String.valueOf(m.get("name")))
                .findFirst()
                .orElse(null);
        if (volume == null) {
            problems.add(where + ": container " + c.name() + " mounts nothing at " + dir + ", where java reads "
                    + image.jvmOptionsPath());
            return;
        }
        Object configMap = asList(spec.get("volumes")).stream()
                .map(DeployManifestsTest::asMap)
                .filter(v -> volume.equals(v.get("name")))
                .map(v -> at(v, "configMap", "name"))
                .findFirst()
                .orElse(null);
        Map<String, Object> cm = objects.get("ConfigMap/" + configMap);
        if (cm == null) {
            problems.add(where + ": volume " + volume + " is no ConfigMap of deploy/k8s (" + configMap + ")");
            return;
        }
        try {
            String expected = Files.readString(DEPLOY.resolve("jvm.options"));
            if (!expected.equals(at(cm, "data", file))) {
                problems.add(cm.get("_file") + ": data." + file + " differs from deploy/jvm.options (regenerate it: "
                        + "the command is in its header)");
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A node drains on SIGTERM, and is given longer than the drain may take before it is killed. */
    static void checkNodeStop(String where, PodContainer c, Map<String, Object> spec, List<String> problems) {
        if (!c.drains()) {
            problems.add(where + ": the node runs with --drain-on-sigterm false: a stopped pod would not hand its "
                    + "rooms over");
        }
        Object grace = spec.get("terminationGracePeriodSeconds");
        long needed = minimumStopSeconds();
        if (!(grace instanceof Integer g) || g < needed) {
            problems.add(where + ": terminationGracePeriodSeconds " + grace + " (expected: at least " + needed
                    + " s: the drain may take " + drainTimeout().toSeconds() + " s, then the node leaves the cluster)");
        }
    }

    static void checkSystemd(Map<String, String> files, List<String> problems) {
        int units = 0;
        for (Map.Entry<String, String> file : files.entrySet()) {
            if (!file.getKey().startsWith("systemd/") || !file.getKey().endsWith(".service")) {
                continue;
            }
            units++;
            String where = "deploy/" + file.getKey();
            Map<String, String> service = new LinkedHashMap<>();
            String section = "";
            for (String line : file.getValue().split("\n")) {
                String l = line.strip();
                if (l.startsWith("[")) {
                    section = l;
                } else if (!l.isEmpty() && !l.startsWith("#") && section.equals("[Service]")) {
                    int eq = l.indexOf('=');
                    service.put(l.substring(0, eq), l.substring(eq + 1));
                }
            }
            List<String> exec = List.of(service.getOrDefault("ExecStart", "").split("\\s+"));
            int jar = exec.indexOf("-jar");
            Kind kind = jar >= 0 && jar + 1 < exec.size() ? Kind.ofJar(exec.get(jar + 1)) : null;
            if (kind == null) {
                problems.add(where + ": ExecStart runs no roomgate jar with -jar: " + exec);
                continue;
            }
            if (exec.stream().noneMatch(a -> a.startsWith("@/") && a.endsWith("/jvm.options"))) {
                problems.add(where + ": ExecStart does not read jvm.options (java @/etc/roomgate/jvm.options ...)");
            }
            List<String> args = exec.subList(jar + 2, exec.size());
            String envFile = service.get("EnvironmentFile");
            Map<String, String> env = new LinkedHashMap<>();
            if (envFile == null) {
                problems.add(where + ": no EnvironmentFile");
            } else {
                String shipped = "systemd/" + envFile.substring(envFile.lastIndexOf('/') + 1);
                if (!files.containsKey(shipped)) {
                    problems.add(where + ": EnvironmentFile " + envFile + ": deploy/" + shipped + " does not exist");
                } else {
                    for (String line : files.get(shipped).split("\n")) {
                        String l = line.strip();
                        if (!l.isEmpty() && !l.startsWith("#")) {
                            int eq = l.indexOf('=');
                            env.put(l.substring(0, eq), l.substring(eq + 1));
                        }
                    }
                    checkEnvNames("deploy/" + shipped, kind, env.keySet(), problems);
                }
            }
            Map<String, Integer> ports = parse(where, kind, args, env, problems);
            if (ports == null) {
                continue;
            }
            if (kind == Kind.NODE) {
                if (!NodeConfig.fromArgs(args.toArray(String[]::new), env).drainOnSigterm()) {
                    problems.add(where + ": the node runs with --drain-on-sigterm false: a stop would not drain it");
                }
                String signal = service.getOrDefault("KillSignal", "SIGTERM");
                if (!signal.equals("SIGTERM") || service.containsKey("ExecStop")) {
                    problems.add(where + ": the stop must be SIGTERM (the drain), with no ExecStop before it");
                }
                String timeout = service.getOrDefault("TimeoutStopSec", "90");
                long needed = minimumStopSeconds();
                if (!timeout.matches("\\d+") || Long.parseLong(timeout) < needed) {
                    problems.add(where + ": TimeoutStopSec " + timeout + " (expected: at least " + needed
                            + " s: the drain may take " + drainTimeout().toSeconds() + " s)");
                }
            }
        }
        if (units < Kind.values().length) {
            problems.add("deploy/systemd: " + units + " units (expected one per process: node, gateway)");
        }
    }

    // ------------------------------------------------------------------------------------------
    // Helpers

    /** Runs the process's flag parser; null (and a problem) if it refuses them. */
    static Map<String, Integer> parse(
            String where, Kind kind, List<String> args, Map<String, String> env, List<String> problems) {
        try {
            return kind.ports(args, env);
        } catch (IllegalArgumentException e) {
            problems.add(where + ": the " + kind + " refuses its configuration: " + e.getMessage());
            return null;
        }
    }

    /** Every ROOMGATE_ variable must stand for a flag of the process (Flags ignores the others silently). */
    static void checkEnvNames(String where, Kind kind, Iterable<String> names, List<String> problems) {
        Set<String> known = kind.flags().stream().map(Flags::envName).collect(Collectors.toCollection(TreeSet::new));
        for (String name : names) {
            if (name.startsWith("ROOMGATE_") && !known.contains(name)) {
                problems.add(where + ": " + name + ", which is no flag of the " + kind + " (known: " + known + ")");
            }
        }
    }

    /** Kubernetes' $(VAR) expansion: only variables defined earlier in the list. */
    static String expand(
            String where, String value, Map<String, String> env, Set<String> referenced, List<String> problems) {
        Matcher m = ENV_REF.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String var = m.group(1);
            referenced.add(var);
            String v = env.get(var);
            if (v == null) {
                problems.add(where + ": $(" + var + ") is not defined before it is used");
                v = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
        return !selector.isEmpty()
                && selector.entrySet().stream()
                        .allMatch(e ->
                                Objects.equals(String.valueOf(e.getValue()), String.valueOf(labels.get(e.getKey()))));
    }

    /** Stopping a node must be allowed the drain, its one second of slack, and ten more for leaving. */
    static long minimumStopSeconds() {
        return drainTimeout().toSeconds() + 1 + 10;
    }

    static Duration drainTimeout() {
        return staticField(NodeMain.class, "DRAIN_TIMEOUT");
    }

    @SuppressWarnings("unchecked")
    static <T> T staticField(Class<?> type, String name) {
        try {
            Field f = type.getDeclaredField(name);
            f.setAccessible(true);
            return (T) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(type.getName() + "." + name + " is gone: this test reads it", e);
        }
    }

    static List<String> jsonArray(String text) {
        String t = text.strip();
        if (!t.startsWith("[") || !t.endsWith("]")) {
            return null;
        }
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(t);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    static Object at(Object o, String... path) {
        Object cur = o;
        for (String key : path) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(key);
        }
        return cur;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }

    static List<Object> asList(Object o) {
        return o instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>();
    }
}
