package io.jgoim.comet.transport;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A WebSocket client with no framing rules of its own, for hostile-input and byte-exact tests: it performs a real
 * upgrade over a plain or TLS blocking socket, then writes whatever bytes the test made by hand and reads the
 * server's frames as they arrive (server frames are unmasked). One instance per connection; one test thread.
 */
final class RawWebSocket implements AutoCloseable {
    /** The mask every frame built here uses; its value does not matter, only that it is applied. */
    private static final byte[] MASK = {0x37, (byte) 0xfa, 0x21, 0x3d};

    /** How a frame's payload length is written: the shortest form, or 16 or 64 bits where fewer would do. */
    enum Length { MINIMAL, SIXTEEN, SIXTY_FOUR }

    /** One frame as the server sent it. */
    record Frame(int firstByte, byte[] payload) {
        int opcode() {
            return firstByte & 0x0f;
        }

        /** The status code of a close frame, or -1 when its payload carries none. */
        int closeCode() {
            return payload.length < 2 ? -1 : (payload[0] & 0xff) << 8 | (payload[1] & 0xff);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * A socket connected to {@code address}, plain or TLS (trusting any certificate, its handshake done), with
     * {@code receiveBuffer} bytes of receive buffer when positive (set before the connect, so the window follows it).
     */
    static Socket connect(InetSocketAddress address, boolean tls, int receiveBuffer) throws Exception {
        Socket s;
        if (tls) {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
            s = ctx.getSocketFactory().createSocket();
        } else {
            s = new Socket();
        }
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(address, 3000);
        if (tls) {
            s.setSoTimeout(3000);
            ((SSLSocket) s).startHandshake();
        }
        return s;
    }

    /** A WebSocket over {@code s}, whose upgrade request the caller wrote itself; read the answer with {@link #readHead()}. */
    static RawWebSocket over(Socket s) throws IOException {
        s.setSoTimeout(3000);
        return new RawWebSocket(s);
    }

    /** Connects and completes the upgrade on {@code path}; fails unless the server answers 101. */
    static RawWebSocket open(InetSocketAddress address, String path) throws IOException {
        Socket s = new Socket();
        s.connect(address, 3000);
        RawWebSocket ws = request(s, address, path, null);
        String head = ws.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            s.close();
            throw new IOException("upgrade refused: " + head);
        }
        return ws;
    }

    /**
     * Sends an upgrade request on {@code path} over the connected socket {@code s} (plain or TLS), with an
     * {@code Origin} header unless {@code origin} is null; the caller reads the answer with {@link #readHead()}.
     */
    static RawWebSocket request(Socket s, InetSocketAddress address, String path, String origin) throws IOException {
        return request(s, address, path, origin, null);
    }

    /** {@link #request}, offering the extensions {@code extensions} (Sec-WebSocket-Extensions) unless null. */
    static RawWebSocket request(Socket s, InetSocketAddress address, String path, String origin, String extensions)
            throws IOException {
        s.setSoTimeout(3000);
        RawWebSocket ws = new RawWebSocket(s);
        String key = Base64.getEncoder().encodeToString("jgoim-hostile-16".getBytes(StandardCharsets.US_ASCII));
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + (origin == null ? "" : "\r\nOrigin: " + origin)
                + (extensions == null ? "" : "\r\nSec-WebSocket-Extensions: " + extensions)
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        ws.write(request.getBytes(StandardCharsets.US_ASCII));
        return ws;
    }

    /** The status line and headers of the server's HTTP answer, up to and with the blank line. */
    String readHead() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("closed during the upgrade");
            }
            b.write(c);
            matched = c == end[matched] ? matched + 1 : c == '\r' ? 1 : 0;
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** A frame: {@code firstByte} (FIN, RSV, opcode) as given, the minimal length encoding, masked or not. */
    static byte[] frame(int firstByte, boolean masked, byte[] payload) {
        return frame(firstByte, masked ? MASK : null, Length.MINIMAL, payload);
    }

    /**
     * A frame: {@code firstByte} (FIN, RSV, opcode) as given, masked with the 4-byte {@code mask} (null: unmasked),
     * its payload length written as {@code length}.
     */
    static byte[] frame(int firstByte, byte[] mask, Length length, byte[] payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(firstByte);
        int maskBit = mask != null ? 0x80 : 0;
        int n = payload.length;
        Length l = length == Length.MINIMAL ? (n <= 125 ? null : n <= 0xffff ? Length.SIXTEEN : Length.SIXTY_FOUR)
                : length;
        if (l == null) {
            b.write(maskBit | n);
        } else if (l == Length.SIXTEEN) {
            b.write(maskBit | 126);
            b.write(n >>> 8);
            b.write(n);
        } else {
            b.write(maskBit | 127);
            writeLong(b, n);
        }
        if (mask != null) {
            b.writeBytes(mask);
            for (int i = 0; i < n; i++) {
                b.write(payload[i] ^ mask[i & 3]);
            }
        } else {
            b.writeBytes(payload);
        }
        return b.toByteArray();
    }

    /** A masked frame header declaring a 64-bit payload length of {@code length}, with no payload behind it. */
    static byte[] header64(int firstByte, long length) {
        return header64(firstByte, MASK, length);
    }

    /** A frame header declaring a 64-bit payload length of {@code length}, masked with {@code mask} (null: not). */
    static byte[] header64(int firstByte, byte[] mask, long length) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(firstByte);
        b.write((mask != null ? 0x80 : 0) | 127);
        writeLong(b, length);
        if (mask != null) {
            b.writeBytes(mask);
        }
        return b.toByteArray();
    }

    /** The payload of a close frame: {@code code} then {@code reason}. */
    static byte[] closePayload(int code, byte... reason) {
        byte[] p = new byte[2 + reason.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(reason, 0, p, 2, reason.length);
        return p;
    }

    private static void writeLong(ByteArrayOutputStream b, long v) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            b.write((int) (v >>> shift));
        }
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends {@code payload} as one masked, final binary message. */
    void sendBinary(byte[] payload) throws IOException {
        write(frame(0x82, true, payload));
    }

    /** The next {@code n} bytes as ASCII (an HTTP body whose length the head gave). */
    String readAscii(int n) throws IOException {
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** The next {@code n} bytes exactly as the server sent them (fails at the end of the stream or on a timeout). */
    byte[] readBytes(int n) throws IOException {
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    /** The server's next frame, or null when the connection ended (or nothing came within 3 s). */
    Frame next() throws IOException {
        try {
            int b0 = in.read();
            if (b0 < 0) {
                return null;
            }
            int b1 = in.readUnsignedByte();
            long len = b1 & 0x7f;
            if (len == 126) {
                len = in.readUnsignedShort();
            } else if (len == 127) {
                len = in.readLong();
            }
            if ((b1 & 0x80) != 0) {
                throw new IOException("the server masked a frame");
            }
            byte[] payload = new byte[(int) len];
            in.readFully(payload);
            return new Frame(b0, payload);
        } catch (SocketTimeoutException | EOFException e) {
            return null;
        } catch (IOException e) {
            // a reset after the close is the end too
            return null;
        }
    }

    /** The next binary message's payload, skipping nothing: fails when the next frame is anything else. */
    byte[] nextBinary() throws IOException {
        Frame f = next();
        if (f == null || f.opcode() != 0x2) {
            throw new IOException("expected a binary message, got " + (f == null ? "the end" : "opcode "
                    + f.opcode() + " " + f.closeCode()));
        }
        return f.payload();
    }

    /**
     * Reads until the server's close frame and returns its code (binary messages before it are skipped), or -1 when
     * the connection ended without a close frame.
     */
    int awaitCloseCode() throws IOException {
        for (Frame f; (f = next()) != null; ) {
            if (f.opcode() == 0x8) {
                return f.closeCode();
            }
        }
        return -1;
    }

    /** True once the server closed the connection (end of stream within 3 s). */
    boolean endsAfterClose() {
        try {
            for (;;) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (IOException e) {
            return !(e instanceof SocketTimeoutException);
        }
    }

    /** Half-closes: sends the FIN, no close frame; the socket can still read. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Every byte the server sends until it closes the connection; throws when it is still open after 3 s. */
    byte[] untilEnd() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) >= 0; ) {
            b.write(c);
        }
        return b.toByteArray();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
