package roomgate.systemtest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A hostile client's socket: plain TCP from a loopback address of its own ({@link #ATTACKER}, so
 * the per-address cap it runs into is not the honest clients'), speaking just enough HTTP and
 * WebSocket framing by hand to send what no library would: floods it never reads the answers to,
 * requests a byte a second, thousands of fragments.
 */
final class RawClient implements AutoCloseable {
    static final String ATTACKER = "127.0.0.2";

    static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;

    final Socket socket;
    private final int port;

    RawClient(int port) throws IOException {
        this.port = port;
        socket = new Socket();
        socket.bind(new InetSocketAddress(ATTACKER, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
    }

    void write(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
    }

    void write(String ascii) throws IOException {
        write(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    String upgradeRequest() {
        return "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    /** Sends the upgrade request and reads the 101 answer; throws if it is anything else. */
    RawClient upgrade() throws IOException {
        write(upgradeRequest());
        socket.setSoTimeout(5_000);
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the upgrade: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("not upgraded: " + head);
        }
        return this;
    }

    /** A client frame: masked (with a zero key, which RFC 6455 allows), any opcode, fin or not. */
    static byte[] frame(int opcode, boolean fin, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 14);
        out.write((fin ? 0x80 : 0) | opcode);
        int length = payload.length;
        if (length < 126) {
            out.write(0x80 | length);
        } else if (length < 65_536) {
            out.write(0x80 | 126);
            out.write(length >> 8);
            out.write(length & 0xff);
        } else {
            out.write(0x80 | 127);
            out.writeBytes(ByteBuffer.allocate(8).putLong(length).array());
        }
        out.writeBytes(new byte[4]);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** {@code count} copies of {@code frame} in one buffer, for one write. */
    static byte[] repeat(byte[] frame, int count) {
        ByteBuffer all = ByteBuffer.allocate(frame.length * count);
        for (int i = 0; i < count; i++) {
            all.put(frame);
        }
        return all.array();
    }

    /** How a read to the end went: what came, and how it ended (eof, reset, or still open at the timeout). */
    record Ending(byte[] bytes, String how, long millis) {
        String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }

        boolean closed() {
            return !how.equals("open");
        }
    }

    /** Reads whatever comes until the server closes the connection, or {@code timeoutMillis} pass. */
    Ending readToEnd(long timeoutMillis) {
        long start = System.nanoTime();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                long left = timeoutMillis - (System.nanoTime() - start) / 1_000_000;
                if (left <= 0) {
                    return new Ending(got.toByteArray(), "open", timeoutMillis);
                }
                socket.setSoTimeout((int) left);
                int n = in.read(buffer);
                if (n < 0) {
                    return new Ending(got.toByteArray(), "eof", (System.nanoTime() - start) / 1_000_000);
                }
                got.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            return new Ending(got.toByteArray(), "open", timeoutMillis);
        } catch (IOException e) {
            return new Ending(got.toByteArray(), "reset", (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** The server frames in {@code bytes}, as "ping", "pong", "binary", "text", "close 1008 reason". */
    static List<String> frames(byte[] bytes) {
        List<String> frames = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        while (in.remaining() >= 2) {
            int first = in.get() & 0xff;
            int second = in.get() & 0x7f; // server frames are not masked
            long length = second;
            if (second == 126) {
                if (in.remaining() < 2) {
                    break;
                }
                length = in.getShort() & 0xffff;
            } else if (second == 127) {
                if (in.remaining() < 8) {
                    break;
                }
                length = in.getLong();
            }
            if (in.remaining() < length) {
                frames.add("partial");
                break;
            }
            byte[] payload = new byte[(int) length];
            in.get(payload);
            switch (first & 0x0f) {
                case CLOSE ->
                    frames.add("close " + (payload.length >= 2 ? ((payload[0] & 0xff) << 8 | (payload[1] & 0xff)) : "")
                            + (payload.length > 2
                                    ? " " + new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8)
                                    : ""));
                case PING -> frames.add("ping");
                case PONG -> frames.add("pong");
                case BINARY -> frames.add("binary");
                case TEXT -> frames.add("text");
                default -> frames.add("opcode " + (first & 0x0f));
            }
        }
        return frames;
    }

    /** Frames of {@code bytes} summarised: close frames in full, the others counted ("1203 pong"). */
    static String summary(byte[] bytes) {
        List<String> frames = frames(bytes);
        java.util.Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        List<String> closes = new ArrayList<>();
        for (String f : frames) {
            if (f.startsWith("close")) {
                closes.add("[" + f + "]");
            } else {
                counts.merge(f, 1, Integer::sum);
            }
        }
        StringBuilder s = new StringBuilder();
        counts.forEach((f, n) -> s.append(n).append(' ').append(f).append(", "));
        s.append(closes.size()).append(" close frame(s) ").append(String.join(" ", closes));
        return s.toString();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
