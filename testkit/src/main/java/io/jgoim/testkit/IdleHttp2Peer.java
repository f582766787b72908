package io.jgoim.testkit;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A hostile gRPC peer for tests: it connects, sends the HTTP/2 client preface and an empty SETTINGS frame (or nothing
 * at all), then never opens a stream and never answers, and reads whatever the server sends (HTTP/2 frames) until the
 * server closes the socket or {@code maxWait} passes.
 */
public final class IdleHttp2Peer {
    /** HTTP/2 frame type GOAWAY (RFC 9113, 6.8). */
    public static final int GOAWAY = 0x7;
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_SETTINGS = {0, 0, 0, 0x4, 0, 0, 0, 0, 0};

    /**
     * What the server did: {@code closedAfterMillis} from the preface to the end of the stream (-1 if it was still
     * open after the wait), the frame types it sent in order, the error code of its first GOAWAY (-1: none) and when
     * that GOAWAY was read (-1: none).
     */
    public record Outcome(long closedAfterMillis, List<Integer> frameTypes, long goAwayErrorCode,
                          long goAwayAfterMillis) {
        public boolean closed() {
            return closedAfterMillis >= 0;
        }
    }

    private IdleHttp2Peer() {
    }

    /**
     * Fails with an {@link AssertionError} unless the server closed this idle peer the way a gRPC listener with a
     * connection idle limit of {@code maxConnectionIdle} (the setting {@code setting}, named in the messages) does: the
     * socket closed within the wait, a GOAWAY among the frames sent, read no sooner than 50 ms before the limit and at
     * most 5 s after it, with error code NO_ERROR. (The close itself follows the GOAWAY once its PING is answered or,
     * since an idle peer answers nothing, after gRPC's 10 s grace.)
     */
    public static void assertClosedIdle(Outcome outcome, Duration maxConnectionIdle, String setting) {
        check(outcome.closed(), "closed by the server within the wait", outcome);
        check(outcome.frameTypes().contains(GOAWAY), "a GOAWAY among the frames the server sent", outcome);
        long min = maxConnectionIdle.toMillis() - 50;
        long max = maxConnectionIdle.toMillis() + 5_000;
        check(outcome.goAwayAfterMillis() >= min && outcome.goAwayAfterMillis() <= max, "GOAWAY not before "
                + setting + " and soon after: read after " + min + ".." + max + " ms", outcome);
        check(outcome.goAwayErrorCode() == 0, "GOAWAY's error code NO_ERROR (0)", outcome);
    }

    private static void check(boolean holds, String expected, Outcome outcome) {
        if (!holds) {
            throw new AssertionError("expected " + expected + ", was " + outcome);
        }
    }

    /** Sends the preface and an empty SETTINGS to {@code server}, then only reads, for at most {@code maxWait}. */
    public static Outcome idleAfterPreface(InetSocketAddress server, Duration maxWait) throws IOException {
        return idle(server, maxWait, true);
    }

    /** Connects to {@code server} and sends nothing at all, only reads, for at most {@code maxWait}. */
    public static Outcome silent(InetSocketAddress server, Duration maxWait) throws IOException {
        return idle(server, maxWait, false);
    }

    private static Outcome idle(InetSocketAddress server, Duration maxWait, boolean preface) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(server, 5_000);
            if (preface) {
                OutputStream out = socket.getOutputStream();
                out.write(PREFACE);
                out.write(EMPTY_SETTINGS);
                out.flush();
            }
            long start = System.nanoTime();
            long deadline = start + maxWait.toNanos();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            List<Integer> types = new ArrayList<>();
            long goAway = -1;
            long goAwayAt = -1;
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return new Outcome(-1, types, goAway, goAwayAt);
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                try {
                    int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
                    int type = in.readUnsignedByte();
                    in.readUnsignedByte(); // flags
                    in.readInt(); // stream id
                    byte[] payload = new byte[length];
                    in.readFully(payload);
                    types.add(type);
                    if (type == GOAWAY && goAway < 0 && length >= 8) {
                        goAway = ((payload[4] & 0xffL) << 24) | ((payload[5] & 0xffL) << 16)
                                | ((payload[6] & 0xffL) << 8) | (payload[7] & 0xffL);
                        goAwayAt = (System.nanoTime() - start) / 1_000_000;
                    }
                } catch (EOFException e) {
                    return new Outcome((System.nanoTime() - start) / 1_000_000, types, goAway, goAwayAt);
                } catch (SocketTimeoutException e) {
                    return new Outcome(-1, types, goAway, goAwayAt);
                } catch (IOException e) {
                    // a reset counts as the server's close
                    return new Outcome((System.nanoTime() - start) / 1_000_000, types, goAway, goAwayAt);
                }
            }
        }
    }
}
