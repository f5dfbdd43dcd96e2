package roomgate.wire.fuzz;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import roomgate.protocol.link.v1.Challenge;
import roomgate.protocol.link.v1.HandoffDone;
import roomgate.protocol.link.v1.HandoffReady;
import roomgate.protocol.link.v1.HandoffStart;
import roomgate.protocol.link.v1.Heartbeat;
import roomgate.protocol.link.v1.Hello;
import roomgate.protocol.link.v1.LinkFrame;
import roomgate.protocol.link.v1.Redirect;
import roomgate.protocol.link.v1.Rejoin;
import roomgate.protocol.link.v1.RejoinResult;
import roomgate.protocol.link.v1.RejoinSession;
import roomgate.protocol.link.v1.RoomBroadcast;
import roomgate.protocol.link.v1.RoomLost;
import roomgate.protocol.link.v1.SessionClosed;
import roomgate.protocol.link.v1.SessionReply;
import roomgate.protocol.link.v1.SessionRequest;
import roomgate.protocol.link.v1.Welcome;
import roomgate.protocol.v1.ArenaInput;
import roomgate.protocol.v1.Authenticate;
import roomgate.protocol.v1.ChessMove;
import roomgate.protocol.v1.ClaimDraw;
import roomgate.protocol.v1.ClientMessage;
import roomgate.protocol.v1.ErrorCode;
import roomgate.protocol.v1.GameType;
import roomgate.protocol.v1.JoinRoom;
import roomgate.protocol.v1.LeaveRoom;
import roomgate.protocol.v1.Ping;
import roomgate.protocol.v1.Resume;
import roomgate.protocol.v1.Role;
import roomgate.protocol.v1.RoomEvent;
import roomgate.protocol.v1.SendChat;
import roomgate.protocol.v1.ServerMessage;
import roomgate.protocol.v1.Side;
import roomgate.protocol.v1.Subscribe;
import roomgate.protocol.v1.Unsubscribe;
import roomgate.wire.link.LinkCodec;

/**
 * The seed corpus of the wire module's fuzz tests, made from real frames: a valid message of every
 * kind (named {@code valid-<body>}) and a few malformed ones. The fuzz tests run on the committed
 * files ({@code <Test>Inputs/<target>/} under src/test/resources), so a run is repeatable and a
 * crasher added there stays a test; {@code FuzzSeedsTest} checks that the files are these.
 * {@code bench/fuzz/run.sh seeds} writes them again after a change here.
 */
public final class FuzzSeeds {
    public static final String CLIENT_DIR = "roomgate/wire/client/ClientFrameFuzzTestInputs/";
    public static final String LINK_DIR = "roomgate/wire/link/LinkFrameFuzzTestInputs/";

    private FuzzSeeds() {}

    /** One valid message of each body, with its fields set as a real client sets them. */
    public static Map<String, ClientMessage> clientMessages() {
        Map<String, ClientMessage> messages = new LinkedHashMap<>();
        for (ClientMessage message : new ClientMessage[] {
            request("1")
                    .setJoin(JoinRoom.newBuilder()
                            .setRoomId("r1")
                            .setGameType(GameType.CHESS)
                            .setRole(Role.PLAYER)
                            .setSide(Side.WHITE)
                            .setDisplayName("Alice ♔"))
                    .build(),
            request("2").setLeave(LeaveRoom.newBuilder().setRoomId("r1")).build(),
            request("3")
                    .setMove(ChessMove.newBuilder().setRoomId("r1").setUci("e7e8q"))
                    .build(),
            request("4")
                    .setChat(SendChat.newBuilder().setRoomId("r1").setText("gg \"wp\" \\ ünïcødé"))
                    .build(),
            request("5")
                    .setPing(Ping.newBuilder().setClientTimeMs(1_765_000_000_000L))
                    .build(),
            request("6").setClaimDraw(ClaimDraw.newBuilder().setRoomId("r1")).build(),
            request("7")
                    .setSubscribe(Subscribe.newBuilder()
                            .addTopics("prices.BTC-USD")
                            .addTopics("prices.ETH-USD")
                            .setMaxRate(10))
                    .build(),
            request("8")
                    .setUnsubscribe(Unsubscribe.newBuilder().addTopics("prices.BTC-USD"))
                    .build(),
            request("9")
                    .setArenaInput(ArenaInput.newBuilder()
                            .setRoomId("arena-1")
                            .setMoveX(-0.5f)
                            .setMoveY(1f)
                            .setDash(true)
                            .setInputSequence(Long.MAX_VALUE))
                    .build(),
            request("10")
                    .setResume(Resume.newBuilder()
                            .setResumeToken("eyJhbGciOiJIUzI1NiJ9.e30.c2ln")
                            .putLastSequences("r1", 42)
                            .putLastSequences("arena-1", 7))
                    .build(),
            request("11")
                    .setAuthenticate(Authenticate.newBuilder().setToken("eyJhbGciOiJIUzI1NiJ9.e30.c2ln"))
                    .build(),
        }) {
            messages.put("valid-" + message.getBodyCase().name().toLowerCase(java.util.Locale.ROOT), message);
        }
        return messages;
    }

    private static ClientMessage.Builder request(String id) {
        return ClientMessage.newBuilder().setRequestId(id);
    }

    /** Binary frames: every valid message, and protobuf that is cut short, bodiless or hostile. */
    public static Map<String, byte[]> clientBinary() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        clientMessages().forEach((name, message) -> seeds.put(name, message.toByteArray()));
        byte[] join = clientMessages().get("valid-join").toByteArray();
        seeds.put("malformed-truncated", Arrays.copyOf(join, join.length / 2));
        seeds.put("malformed-no-body", request("x").build().toByteArray());
        seeds.put("malformed-empty", new byte[0]);
        // Field 2 (join), length-delimited, with a length of 2^31 - 1 and nothing after it.
        seeds.put(
                "malformed-length-past-end",
                new byte[] {0x12, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07});
        byte[] varint = new byte[11];
        Arrays.fill(varint, (byte) 0xFF);
        varint[0] = 0x08;
        seeds.put("malformed-overlong-varint", varint);
        // Unknown groups nested past the codec's limit of 16.
        ByteArrayOutputStream groups = new ByteArrayOutputStream();
        for (int i = 0; i < 20; i++) {
            groups.write(0xA3); // field 100, start group: two bytes
            groups.write(0x06);
        }
        seeds.put("malformed-nested-groups", groups.toByteArray());
        return seeds;
    }

    /** Text frames: every valid message in proto3 JSON, and JSON that StrictJson or protobuf refuses. */
    public static Map<String, byte[]> clientText() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        clientMessages().forEach((name, message) -> seeds.put(name, utf8(json(message))));
        seeds.put(
                "valid-move-proto-names",
                utf8("{\"request_id\":\"3\",\"move\":{\"room_id\":\"r1\",\"uci\":\"e2e4\"}}"));
        seeds.put("malformed-key-twice", utf8("{\"requestId\":\"1\",\"requestId\":\"1\",\"ping\":{}}"));
        seeds.put("malformed-number-for-string", utf8("{\"requestId\":1,\"ping\":{}}"));
        seeds.put("malformed-enum-number", utf8("{\"join\":{\"roomId\":\"r1\",\"gameType\":1}}"));
        seeds.put("malformed-unknown-field", utf8("{\"mvoe\":{\"roomId\":\"r1\"}}"));
        seeds.put("malformed-trailing", utf8("{\"ping\":{}} {}"));
        seeds.put("malformed-deep-nesting", utf8("{\"requestId\":" + "[".repeat(2000)));
        seeds.put(
                "malformed-uint64-overflow",
                utf8("{\"arenaInput\":{\"roomId\":\"a\",\"inputSequence\":\"18446744073709551616\"}}"));
        seeds.put("malformed-not-an-object", utf8("[\"ping\"]"));
        return seeds;
    }

    /** One link frame of each kind, as the gateway and the nodes write them. */
    public static Map<String, LinkFrame> linkFrames() {
        ClientMessage join = clientMessages().get("valid-join");
        SessionRequest request = SessionRequest.newBuilder()
                .setSessionId(17)
                .setParticipantId("alice")
                .setMessage(join)
                .addUnreachableNodeIds("node-3")
                .setHops(1)
                .build();
        Rejoin rejoin = Rejoin.newBuilder()
                .setRoomId("r1")
                .addSessions(RejoinSession.newBuilder()
                        .setSessionId(17)
                        .setParticipantId("alice")
                        .setLastSequence(41)
                        .setRequestId("1"))
                .setHops(1)
                .build();
        ByteString event = ServerMessage.newBuilder()
                .setEvent(RoomEvent.newBuilder().setRoomId("r1").setSequence(42))
                .build()
                .toByteString();
        Map<String, LinkFrame> frames = new LinkedHashMap<>();
        for (LinkFrame.Builder frame : new LinkFrame.Builder[] {
            LinkFrame.newBuilder()
                    .setHello(Hello.newBuilder().setGatewayId("gw-1").setProof(ByteString.copyFrom(new byte[32]))),
            LinkFrame.newBuilder().setWelcome(Welcome.newBuilder().setNodeId("node-1")),
            LinkFrame.newBuilder().setRequest(request),
            LinkFrame.newBuilder()
                    .setSessionClosed(
                            SessionClosed.newBuilder().setSessionId(17).addRoomIds("r1")),
            LinkFrame.newBuilder()
                    .setReply(SessionReply.newBuilder()
                            .setSessionId(17)
                            .setServerMessage(event)
                            .setJoinedRoomId("r1")
                            .setSequence(42)
                            .setRequestId("1")),
            LinkFrame.newBuilder()
                    .setBroadcast(RoomBroadcast.newBuilder()
                            .setRoomId("r1")
                            .setServerMessage(event)
                            .setOriginSessionId(17)
                            .setOriginRequestId("3")
                            .setSequence(42)),
            LinkFrame.newBuilder()
                    .setRedirect(Redirect.newBuilder()
                            .setRoomId("r1")
                            .setOwnerNodeId("node-2")
                            .setRequest(request)),
            LinkFrame.newBuilder().setHandoffStart(HandoffStart.newBuilder().setRoomId("r1")),
            LinkFrame.newBuilder().setHandoffReady(HandoffReady.newBuilder().setRoomId("r1")),
            LinkFrame.newBuilder()
                    .setHandoffDone(HandoffDone.newBuilder().setRoomId("r1").setNewOwnerNodeId("node-2")),
            LinkFrame.newBuilder().setRejoin(rejoin),
            LinkFrame.newBuilder()
                    .setRejoinResult(RejoinResult.newBuilder()
                            .setRoomId("r1")
                            .setOk(false)
                            .setOwnerNodeId("node-2")
                            .setEpoch(3)
                            .addUnknownSessionIds(18)
                            .setRejoin(rejoin)
                            .setMessage("moved")
                            .setCode(ErrorCode.ROOM_UNAVAILABLE)),
            LinkFrame.newBuilder().setRoomLost(RoomLost.newBuilder().setRoomId("r1")),
            LinkFrame.newBuilder()
                    .setChallenge(Challenge.newBuilder()
                            .setNonce(ByteString.copyFrom(new byte[32]))
                            .setNodeId("node-1")),
            LinkFrame.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()),
        }) {
            frames.put("valid-" + frame.getBodyCase().name().toLowerCase(java.util.Locale.ROOT), frame.build());
        }
        return frames;
    }

    /**
     * Link streams, each behind the byte that says in what pieces it arrives (0: at once): each
     * kind of frame alone, all of them split finely, and streams a corrupt peer could send.
     */
    public static Map<String, byte[]> linkStream() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        linkFrames().forEach((name, frame) -> {
            seeds.put(name, stream(0, framed(frame.toByteArray())));
            all.writeBytes(framed(frame.toByteArray()));
        });
        seeds.put("valid-all-in-pieces-of-1", stream(1, all.toByteArray()));
        seeds.put("valid-all-in-pieces-of-7", stream(7, all.toByteArray()));
        byte[] hello = framed(linkFrames().get("valid-hello").toByteArray());
        seeds.put("malformed-prefix-past-the-bound", stream(0, prefix(LinkCodec.MAX_FRAME_BYTES + 1, new byte[64])));
        seeds.put("malformed-prefix-2gib", stream(3, prefix(Integer.MAX_VALUE, new byte[64])));
        seeds.put("malformed-prefix-4gib", stream(0, concat(hello, prefix(-1, new byte[16]))));
        seeds.put("malformed-truncated-frame", stream(0, prefix(100, new byte[10])));
        seeds.put("malformed-garbage-body", stream(0, concat(prefix(5, new byte[] {-1, -1, -1, -1, -1}), hello)));
        // The broadcast followed by a second field in its frame: a broadcast must be the only field.
        byte[] broadcast = linkFrames().get("valid-broadcast").toByteArray();
        byte[] withHello = concat(broadcast, linkFrames().get("valid-hello").toByteArray());
        seeds.put("malformed-broadcast-not-alone", stream(0, framed(withHello)));
        // The broadcast's room id says it runs past the frame.
        byte[] runsPast = broadcast.clone();
        runsPast[3] = 0x7F;
        seeds.put("malformed-broadcast-field-past-end", stream(0, concat(framed(runsPast), hello)));
        return seeds;
    }

    private static byte[] stream(int piece, byte[] stream) {
        return concat(new byte[] {(byte) piece}, stream);
    }

    private static byte[] framed(byte[] body) {
        return prefix(body.length, body);
    }

    private static byte[] prefix(int length, byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(length).put(body).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String json(Message message) {
        try {
            return JsonFormat.printer().omittingInsignificantWhitespace().print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Every seed, by its path under src/test/resources. */
    public static Map<String, byte[]> all() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        clientBinary().forEach((name, bytes) -> files.put(CLIENT_DIR + "binaryFrame/" + name, bytes));
        clientText().forEach((name, bytes) -> files.put(CLIENT_DIR + "textFrame/" + name, bytes));
        linkStream().forEach((name, bytes) -> files.put(LINK_DIR + "linkStream/" + name, bytes));
        return files;
    }

    /** The oneof fields of a message type: the kinds a seed corpus must hold one of each. */
    public static java.util.List<String> bodies(com.google.protobuf.Descriptors.Descriptor type) {
        return type.getOneofs().get(0).getFields().stream()
                .map(FieldDescriptor::getName)
                .toList();
    }

    /** Writes the seeds under the given resources directory (the wire module's src/test/resources). */
    public static void main(String[] args) throws IOException {
        Path resources = Path.of(args.length > 0 ? args[0] : "src/test/resources");
        for (Map.Entry<String, byte[]> seed : all().entrySet()) {
            Path file = resources.resolve(seed.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, seed.getValue());
        }
        System.out.println(all().size() + " seeds written under " + resources);
    }
}
