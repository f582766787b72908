package io.jgoim.comet.limit;

import io.jgoim.comet.TestClient;
import io.jgoim.protocol.Op;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A blocking goim TCP connection from a chosen loopback source address (Linux routes all of 127/8 on lo), for the
 * limits' tests: writes frames or raw bytes, reads whole frames. One test thread per instance.
 */
final class RawConn implements AutoCloseable {
    /** What {@link #next} returns at the server's close. */
    static final byte[] EOF = new byte[0];

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawConn(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static RawConn open(String source, InetSocketAddress target) throws IOException {
        Socket s = new Socket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(target, 5000);
        s.setSoTimeout(5000);
        return new RawConn(s);
    }

    RawConn send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    RawConn send(int ver, int op, int seq, byte[] body) throws IOException {
        return send(TestClient.frame(ver, op, seq, body));
    }

    RawConn auth(int ver, String token) throws IOException {
        return send(ver, Op.AUTH, 1, token.getBytes(StandardCharsets.UTF_8));
    }

    /** The next whole frame, {@link #EOF} at the server's close (or reset), null when none came in time. */
    byte[] next() throws IOException {
        try {
            int len = in.readInt();
            byte[] f = new byte[len];
            f[0] = (byte) (len >>> 24);
            f[1] = (byte) (len >>> 16);
            f[2] = (byte) (len >>> 8);
            f[3] = (byte) len;
            in.readFully(f, 4, len - 4);
            return f;
        } catch (EOFException e) {
            return EOF;
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("reset")) {
                return EOF;
            }
            throw e;
        }
    }

    /** The close code of the DISCONNECT frame {@code f}, or -1 when it is none. */
    static int disconnectCode(byte[] f) {
        if (f == null || f.length < 20 || TestClient.op(f) != Op.DISCONNECT) {
            return -1;
        }
        return TestClient.intBody(f);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
