package io.jgoim.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * A raw HTTP client that keeps sending after its request and reads the answer only afterwards, as a client pipelining
 * requests or streaming a body does: it writes the request with more bytes behind it, writes more twice, 150 ms
 * apart, then reads to the end of the stream. A server that closes a refused connection at once, the client's bytes
 * unread, makes the kernel answer with a reset: the client's next write fails (a client that stops at a failed
 * write never reads the refusal) and a reply not yet transmitted is lost. One that lingers (shuts its output, reads
 * and discards) takes every write and ends the stream after its reply. Not thread-safe; one use per instance.
 */
public final class LateReader {
    /** Gap between the writes: ample for the reset of a closed socket to come back on loopback. */
    private static final long GAP_MILLIS = 150;

    /**
     * What the client got.
     *
     * @param received     every byte read (ISO-8859-1), up to the end of the stream or a reset
     * @param ended        the stream ended with the server's FIN (false: reset, or nothing within the read timeout)
     * @param writeFailure the first write that failed, or null when the server took every byte
     */
    public record Outcome(String received, boolean ended, IOException writeFailure) {
    }

    private LateReader() {
    }

    /** Sends {@code request + more}, then {@code more} twice, then reads for at most {@code readMillis}. */
    public static Outcome send(InetSocketAddress to, String request, String more, int readMillis)
            throws IOException, InterruptedException {
        try (Socket s = new Socket()) {
            s.connect(to, 3000);
            IOException failure = null;
            s.getOutputStream().write((request + more).getBytes(StandardCharsets.ISO_8859_1));
            for (int i = 0; i < 2 && failure == null; i++) {
                Thread.sleep(GAP_MILLIS);
                try {
                    s.getOutputStream().write(more.getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    failure = e;
                }
            }
            s.setSoTimeout(readMillis);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            boolean ended = false;
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    got.write(buf, 0, n);
                }
                ended = true;
            } catch (SocketException notEnded) {
                // a reset or silence: what arrived before it is what the client got
            }
            return new Outcome(got.toString(StandardCharsets.ISO_8859_1), ended, failure);
        }
    }
}
