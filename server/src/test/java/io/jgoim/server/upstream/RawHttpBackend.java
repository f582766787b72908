package io.jgoim.server.upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 backend on raw loopback sockets, one thread per connection, for what the JDK's HttpServer cannot be
 * made to do on purpose: close a keep-alive connection at a chosen moment, or hold requests and count connections.
 * Every answer echoes the request body with status 200 and keep-alive; {@link Mode} decides the rest. Counts what it
 * saw: connections accepted, the most open at once, the bodies it answered ({@link #answered}) and the requests it
 * read but dropped unanswered by closing the connection ({@link #dropped}).
 */
final class RawHttpBackend implements AutoCloseable {
    enum Mode {
        /** Answers one request per connection, then closes it at once: an idle keep-alive connection closed. */
        ANSWER_THEN_CLOSE,
        /**
         * Answers the first request of a connection; reads the second and closes without answering: the keep-alive
         * race (the backend's idle timer fired as the request arrived) made certain.
         */
        ANSWER_THEN_DROP_NEXT,
        /** Reads every request and closes without answering. */
        DROP_ALL,
        /** Holds every request until {@link #release()}, then answers. */
        HOLD
    }

    private static final int END_OF_HEAD = 0x0d0a0d0a; // CR LF CR LF
    final List<String> answered = new CopyOnWriteArrayList<>();
    final AtomicInteger dropped = new AtomicInteger();
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger held = new AtomicInteger();
    final AtomicInteger maxOpen = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final Mode mode;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "raw-backend");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    RawHttpBackend(Mode mode) throws IOException {
        this.mode = mode;
        this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    void release() {
        release.countDown();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.incrementAndGet();
                maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                sockets.add(s);
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            for (int n = 0; ; n++) {
                String body = readRequest(in);
                if (body == null) {
                    return; // the client closed the connection
                }
                if (mode == Mode.DROP_ALL || (mode == Mode.ANSWER_THEN_DROP_NEXT && n == 1)) {
                    dropped.incrementAndGet();
                    return;
                }
                if (mode == Mode.HOLD) {
                    held.incrementAndGet();
                    release.await(30, TimeUnit.SECONDS);
                }
                byte[] b = body.getBytes(StandardCharsets.UTF_8);
                answered.add(body); // before the reply leaves: a client that has its reply sees it counted
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                        + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(b);
                out.flush();
                if (mode == Mode.ANSWER_THEN_CLOSE) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away or the backend is closing
        } finally {
            open.decrementAndGet();
        }
    }

    /** One request's body, or null at the end of the stream before a request began. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int c;
        int last = 0; // the last four bytes read
        while (last != END_OF_HEAD && (c = in.read()) >= 0) {
            head.write(c);
            last = (last << 8) | c;
        }
        if (last != END_OF_HEAD) {
            return null;
        }
        int length = 0;
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        release();
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        threads.shutdownNow();
    }
}
