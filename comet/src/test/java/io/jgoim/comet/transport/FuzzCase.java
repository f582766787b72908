package io.jgoim.comet.transport;

import io.jgoim.comet.CometServer;
import io.jgoim.protocol.PacketLayout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One case of {@link ProtocolFuzzIT}: draws its inputs from its own {@code Random} (seed and index), connects (and
 * upgrades, over WebSocket), maybe authenticates validly first, writes the rest in chunks with short pauses, reads
 * until the comet closes, falls silent ({@value #SILENCE_MILLIS} ms) or {@value #CAP_MILLIS} ms pass, closes
 * (sometimes with a reset) and checks what it read. Some cases instead half-close, wait past the handshake deadline,
 * write to the TLS listener in plain, or have a second connection take the session's key. Runs on a pool thread,
 * reads on its own thread.
 */
final class FuzzCase {
    static final long SILENCE_MILLIS = 250;
    static final long CAP_MILLIS = 3000;
    private static final long MAX_PAUSES_MILLIS = 150;

    /**
     * @param problems what broke the rules (empty: the case passed)
     * @param outcome  how it ended, for the run's tally
     */
    record Result(List<String> problems, String outcome, String notes, ServerBytes.Verdict verdict, byte[] sent,
                  List<Integer> ports) {
        String describe() {
            String hex = HexFormat.of().formatHex(sent, 0, Math.min(sent.length, 160));
            List<String> units = verdict == null ? List.of() : verdict.units();
            return "inputs: " + notes + "\n    received: " + (units.size() <= 40 ? units
                    : units.subList(0, 40) + " and " + (units.size() - 40) + " more")
                    + "\n    sent " + sent.length + " bytes: " + hex + (sent.length > 160 ? "..." : "");
        }
    }

    private final CometServer comet;
    private final boolean ws;
    private final Random r;
    private final FuzzInputs in;
    private final WsFuzzFrames wsFrames;
    private final List<String> problems = new ArrayList<>();
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    /** The client ports of the case's connections (the comet's log names them as R:/127.0.0.1:port). */
    private final List<Integer> ports = new ArrayList<>();

    FuzzCase(CometServer comet, long seed, boolean ws, int index) {
        this.comet = comet;
        this.ws = ws;
        this.r = new Random(mix(seed + (ws ? 0x5DEECE66DL : 0) + index * 0x9E3779B97F4A7C15L));
        this.in = new FuzzInputs(r, key(ws, index), comet.config().protocol().maxBodyBytes());
        this.wsFrames = new WsFuzzFrames(in, comet.config().webSocket().maxFrameBytes());
    }

    /** The session key of case {@code index}'s valid tokens. */
    static String key(boolean ws, int index) {
        return "fuzz-" + (ws ? "ws-" : "tcp-") + index;
    }

    Result run() throws Exception {
        boolean authFirst = r.nextBoolean();
        short ver = (short) (PacketLayout.VERSION + r.nextInt(3));
        // plain bytes on the TLS listener: the comet's TLS failure path, which must close quietly too
        boolean tls = !ws && r.nextInt(25) == 0;
        // waits past the handshake deadline instead of closing at the first silence
        boolean patient = r.nextInt(20) == 0;
        boolean halfClose = r.nextInt(8) == 0;
        // a second connection authenticates with the same key: the first session is replaced (closed), only it
        boolean replace = authFirst && !halfClose && r.nextInt(12) == 0;
        if (tls) {
            in.note("plain bytes to the TLS listener");
            authFirst = false;
        }
        if (patient) {
            in.note("waits past the handshake deadline");
        }
        Reader reader;
        boolean serverEnded;
        try (Socket s = new Socket()) {
            reader = open(s, ws ? comet.wsAddress() : tls ? comet.tcpTlsAddress() : comet.tcpAddress());
            if (reader == null) {
                return result(null, "upgrade refused");
            }
            OutputStream out = s.getOutputStream();
            if (authFirst) {
                in.note("valid auth ver " + ver);
                authenticate(out, reader, ver);
            }
            List<byte[]> frames = in.frames(authFirst, ver);
            byte[] bytes = ws ? in.stream(wsFrames.wrap(frames)) : in.stream(frames);
            long pauses = 0;
            for (byte[] chunk : in.chunks(bytes)) {
                int pause = in.pauseMillis();
                if (pause > 0 && pauses + pause <= MAX_PAUSES_MILLIS) {
                    pauses += pause;
                    Thread.sleep(pause);
                }
                if (!write(out, chunk)) {
                    break;
                }
            }
            if (halfClose) {
                in.note("half-closed after writing");
                s.shutdownOutput();
            }
            long writeEnd = System.nanoTime();
            long deadline = comet.config().protocol().handshakeTimeout().toMillis();
            awaitEnd(reader, writeEnd, patient ? deadline + 1500 : CAP_MILLIS, tls || halfClose || patient);
            if (replace && !reader.serverEnded) {
                replaceSession(reader);
            }
            serverEnded = reader.serverEnded;
            if (tls) {
                if (!serverEnded) {
                    problems.add("the TLS listener kept a connection that sent no TLS record");
                }
                reader.closing = true;
                return result(null, "tls " + (serverEnded ? "closed" : "open"));
            }
            if (halfClose && !serverEnded) {
                problems.add("the comet kept a half-closed connection open");
            }
            if (!serverEnded && r.nextInt(4) == 0) {
                in.note("closed with a reset");
                s.setSoLinger(true, 0);
            }
            reader.closing = true;
        }
        reader.join(2000);
        ServerBytes.Verdict v = verdict(reader.bytes());
        problems.addAll(v.problems());
        if (v.partial()) {
            problems.add("the comet's bytes end inside a frame");
        }
        if (v.goodbye() && !serverEnded) {
            problems.add("the comet did not close the connection within " + CAP_MILLIS + " ms of its goodbye");
        }
        // By design a client's FIN (half-close) ends the session at once with no close frame: the peer left, as
        // after a reset (docs/protocol.md: connection closed mid-frame, no close code). Otherwise the comet ends a
        // WebSocket only with a close frame.
        if (ws && serverEnded && !halfClose && !v.goodbye()) {
            problems.add("the comet closed the WebSocket without a close frame");
        }
        if (patient && !serverEnded && !v.units().contains("op 8")) {
            problems.add("a connection with no auth reply outlived the handshake deadline");
        }
        return result(v, (ws ? "ws " : "tcp ") + (serverEnded ? "closed after " : "open after ") + v.last());
    }

    /** Connects {@code s} (and upgrades it, over WebSocket) and starts its reader; null when the upgrade failed. */
    private Reader open(Socket s, InetSocketAddress address) throws IOException {
        s.connect(address, 3000);
        s.setTcpNoDelay(true);
        ports.add(s.getLocalPort());
        if (ws) {
            String head = RawWebSocket.request(s, address, comet.config().webSocket().path(), null).readHead();
            if (!head.startsWith("HTTP/1.1 101")) {
                problems.add("upgrade answered " + head.lines().findFirst().orElse(""));
                return null;
            }
        }
        s.setSoTimeout(0);
        Reader reader = new Reader(s.getInputStream());
        reader.start();
        return reader;
    }

    /** Sends a valid auth of {@code ver}, which must be answered with op 8 first, whatever follows. */
    private void authenticate(OutputStream out, Reader reader, short ver) throws InterruptedException {
        byte[] auth = in.auth(ver);
        write(out, ws ? wsFrames.binary(auth) : auth);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        ServerBytes.Verdict v = verdict(reader.bytes());
        while (v.units().isEmpty() && !reader.serverEnded && System.nanoTime() < end) {
            Thread.sleep(5);
            v = verdict(reader.bytes());
        }
        if (v.units().isEmpty() || !v.units().get(0).equals("op 8")) {
            problems.add("a valid auth was answered with " + (v.units().isEmpty() ? "nothing" : v.units().get(0)));
        }
    }

    /**
     * A second connection authenticates with the case's key while the first is open: it is answered, and the first
     * session is closed (REPLACED) within 3 s; the second then leaves.
     */
    private void replaceSession(Reader first) throws Exception {
        short ver = (short) (PacketLayout.VERSION + r.nextInt(3));
        in.note("replaced by a second connection (auth ver " + ver + ")");
        try (Socket s = new Socket()) {
            Reader second = open(s, ws ? comet.wsAddress() : comet.tcpAddress());
            if (second == null) {
                return;
            }
            ByteArrayOutputStream own = new ByteArrayOutputStream();
            byte[] auth = in.auth(ver);
            byte[] bytes = ws ? wsFrames.binary(auth) : auth;
            s.getOutputStream().write(bytes);
            own.writeBytes(bytes);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            ServerBytes.Verdict v = verdict(second.bytes(), own.toByteArray());
            while (v.units().isEmpty() && System.nanoTime() < end) {
                Thread.sleep(5);
                v = verdict(second.bytes(), own.toByteArray());
            }
            problems.addAll(v.problems());
            if (v.units().isEmpty() || !v.units().get(0).equals("op 8")) {
                problems.add("the second connection's auth was answered with " + v.last());
            }
            long closed = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (!first.serverEnded && System.nanoTime() < closed) {
                Thread.sleep(5);
            }
            if (!first.serverEnded) {
                problems.add("the replaced session's connection stayed open");
            }
            second.closing = true;
        }
    }

    private Result result(ServerBytes.Verdict v, String outcome) {
        return new Result(problems, outcome, in.notes(), v, sent.toByteArray(), ports);
    }

    /**
     * Until the comet closed, or fell silent after whole frames and no goodbye (unless {@code untilClosed}), or
     * {@code capMillis} passed.
     */
    private void awaitEnd(Reader reader, long writeEnd, long capMillis, boolean untilClosed)
            throws InterruptedException {
        long cap = writeEnd + TimeUnit.MILLISECONDS.toNanos(capMillis);
        long silence = TimeUnit.MILLISECONDS.toNanos(SILENCE_MILLIS);
        for (;;) {
            ServerBytes.Verdict v = verdict(reader.bytes());
            long now = System.nanoTime();
            if (reader.serverEnded || now - cap > 0) {
                return;
            }
            if (!untilClosed && now - Math.max(writeEnd, reader.lastRead) >= silence && !v.partial()
                    && !v.goodbye()) {
                return;
            }
            Thread.sleep(10);
        }
    }

    private ServerBytes.Verdict verdict(byte[] received) {
        return verdict(received, sent.toByteArray());
    }

    private ServerBytes.Verdict verdict(byte[] received, byte[] sentBytes) {
        return ws ? ServerBytes.webSocket(received, WsFuzzFrames.closeCodesSent(sentBytes))
                : ServerBytes.tcp(received);
    }

    /** Writes {@code bytes}; false once the comet closed (a reset or a broken pipe: it stopped reading). */
    private boolean write(OutputStream out, byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            sent.writeBytes(bytes);
            return true;
        } catch (IOException closed) {
            in.note("write refused after " + sent.size() + " bytes");
            return false;
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Reads everything the comet sends; notes when the comet (not this side) ended the connection. */
    static final class Reader extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream got = new ByteArrayOutputStream();
        volatile long lastRead = System.nanoTime();
        volatile boolean serverEnded;
        volatile boolean closing;

        Reader(InputStream in) {
            super("fuzz-reader");
            setDaemon(true);
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    synchronized (got) {
                        got.write(buf, 0, n);
                    }
                    lastRead = System.nanoTime();
                }
                serverEnded = !closing;
            } catch (IOException e) {
                // a reset from the comet ends the connection too; our own close does not count
                serverEnded = !closing;
            }
        }

        byte[] bytes() {
            synchronized (got) {
                return got.toByteArray();
            }
        }
    }
}
