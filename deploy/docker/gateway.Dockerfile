# The gateway image (roomgate-gateway.jar). No image can be built on the machine this was written on;
# DeployManifestsTest (system-tests) checks the jar, the paths and every ROOMGATE_ variable below.
# Build from the repository root, after `mvn -B -DskipTests package`:
#   docker build -f deploy/docker/gateway.Dockerfile -t roomgate-gateway:0.1.0 .
FROM eclipse-temurin:17-jre

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin roomgate

# The same JVM options as every other server JVM; on Kubernetes a ConfigMap is mounted over
# /etc/roomgate, so changing them needs no new image.
COPY deploy/jvm.options /etc/roomgate/jvm.options
COPY gateway/target/roomgate-gateway.jar /opt/roomgate/roomgate-gateway.jar

# Clients (WebSocket /ws, /health) on every interface. The admin API (and /metrics) keeps its
# loopback default: it can drain nodes, so besides its bearer token (ROOMGATE_ADMIN_TOKEN_FILE, a
# mounted secret) it is reached with `kubectl port-forward` or from inside the container, never
# through a Service. The Hazelcast
# address (ROOMGATE_HZ_HOST) is the container's own, set where it runs.
ENV ROOMGATE_HOST=0.0.0.0 \
    ROOMGATE_PORT=8080 \
    ROOMGATE_ADMIN_PORT=8081 \
    ROOMGATE_HZ_PORT=5701
# The link secret gateways prove themselves with to the nodes: a file mounted here where the image
# runs (a Secret in deploy/k8s), never baked into the image. Without it the process refuses to start.
ENV ROOMGATE_LINK_SECRET_FILE=/etc/roomgate-secrets/link-secret
EXPOSE 8080 5701

USER 10001
# Exec form: java is PID 1 and gets the SIGTERM itself, which says goodbye (1001) to every client.
ENTRYPOINT ["java", "@/etc/roomgate/jvm.options", "-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/roomgate/roomgate-gateway.jar"]
