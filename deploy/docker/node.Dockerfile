# The game node image (roomgate-node.jar). No image can be built on the machine this was written on;
# DeployManifestsTest (system-tests) checks the jar, the paths and every ROOMGATE_ variable below.
# Build from the repository root, after `mvn -B -DskipTests package`:
#   docker build -f deploy/docker/node.Dockerfile -t roomgate-node:0.1.0 .
FROM eclipse-temurin:17-jre

# Nothing here needs root: the JIT threads' lower priority (deploy/jvm.options) needs no privilege.
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin roomgate

# The same JVM options as every other server JVM; on Kubernetes a ConfigMap is mounted over
# /etc/roomgate, so changing them needs no new image.
COPY deploy/jvm.options /etc/roomgate/jvm.options
COPY game-node/target/roomgate-node.jar /opt/roomgate/roomgate-node.jar

# Fixed ports instead of the free ports (0) the node picks by default: probes, Services and
# firewalls need to know them. The metrics endpoint (/metrics, /rooms) listens on every interface so
# that the kubelet's probes and Prometheus reach it. The addresses the node publishes to the others
# (ROOMGATE_LINK_HOST, ROOMGATE_HZ_HOST) are the container's own and so set where it runs (the pod IP
# in deploy/k8s/node-statefulset.yaml).
ENV ROOMGATE_LINK_PORT=7000 \
    ROOMGATE_METRICS_HOST=0.0.0.0 \
    ROOMGATE_METRICS_PORT=9090 \
    ROOMGATE_HZ_PORT=5701
# The link secret gateways prove themselves with to the nodes: a file mounted here where the image
# runs (a Secret in deploy/k8s), never baked into the image. Without it the process refuses to start.
ENV ROOMGATE_LINK_SECRET_FILE=/etc/roomgate-secrets/link-secret
EXPOSE 7000 9090 5701

USER 10001
# Exec form: java is PID 1 and gets the SIGTERM itself, which drains the node (--drain-on-sigterm).
# Half the container's memory for the heap: the rest is Netty's direct buffers, metaspace and stacks.
ENTRYPOINT ["java", "@/etc/roomgate/jvm.options", "-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/roomgate/roomgate-node.jar"]
