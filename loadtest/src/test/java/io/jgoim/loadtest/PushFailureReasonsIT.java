package io.jgoim.loadtest;

import io.jgoim.testkit.LeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The push driver's failure reasons against a scripted HTTP server on a real socket: a refusal is counted with its
 * status and API code, a connection the server drops with requests pending says the server ended it, and requests
 * the tool holds back at its own in-flight limit are not counted as failures at all; 429s (adaptive shedding) are
 * split from accepted replies, counted per second and timed.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class PushFailureReasonsIT {
    private static final String OK = "{\"code\":0,\"message\":\"\",\"data\":null}";
    private static final String BUSY = "{\"code\":503,\"message\":\"kafka: too many sends pending\",\"data\":null}";

    /** Reads one request (headers and Content-Length body); false at the end of the stream. */
    private static boolean readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        if (c < 0) {
            return false;
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return in.readNBytes(length).length == length;
    }

    private static void reply(OutputStream out, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
    }

    private static PushOptions options(int port, int maxInFlight) {
        return new PushOptions(URI.create("http://127.0.0.1:" + port), PushTarget.ROOM, "live", "1", List.of(),
                List.of(), 1000, 200, Duration.ofMillis(250), 64, maxInFlight, 1, 0, 1);
    }

    @Test
    void shouldNameTheRefusalsCodeAndTheSideThatClosedTheConnection() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = server.accept();
                        int n = connections.incrementAndGet();
                        InputStream in = new BufferedInputStream(s.getInputStream());
                        OutputStream out = s.getOutputStream();
                        if (n == 1) {
                            // 10 accepted, 10 refused with 503, then 5 read and the connection closed unanswered
                            for (int i = 0; i < 25 && readRequest(in); i++) {
                                if (i < 20) {
                                    reply(out, i < 10 ? 200 : 503, i < 10 ? OK : BUSY);
                                }
                            }
                            s.close();
                        } else {
                            while (readRequest(in)) {
                                reply(out, 200, OK);
                            }
                            s.close();
                        }
                    }
                } catch (IOException e) {
                    // the server socket closed: the test is over
                }
            });
            t.setDaemon(true);
            t.start();

            ScenarioResult r = PushScenario.run(options(server.getLocalPort(), 1000));

            Map<String, Long> f = r.failures();
            assertThat(f).containsEntry("push: HTTP 503 code 503", 10L);
            long byServer = f.entrySet().stream().filter(e -> e.getKey().startsWith("push: server "))
                    .mapToLong(Map.Entry::getValue).sum();
            assertThat(byServer).as("%s", f).isGreaterThanOrEqualTo(5);
            assertThat(f.keySet()).allMatch(k -> k.equals("push: HTTP 503 code 503") || k.startsWith("push: server ")
                    || k.startsWith("push: request not written"));
            long failed = f.values().stream().mapToLong(Long::longValue).sum();
            assertThat(r.count("messages.accepted") + failed).isEqualTo(r.count("messages.sent"));
            assertThat(r.count("messages.accepted")).isGreaterThanOrEqualTo(10);
            assertThat(r.count("messages.notSent")).isZero();
            assertThat(connections.get()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void shouldCountRequestsHeldBackAtTheToolsLimitAsNotSentNotAsFailures() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = new BufferedInputStream(s.getInputStream());
                    int read = 0;
                    while (read < 5 && readRequest(in)) {
                        read++;
                    }
                    release.await(10, TimeUnit.SECONDS); // hold the five replies past the end of the run
                    for (int i = 0; i < read; i++) {
                        reply(s.getOutputStream(), 200, OK);
                    }
                    while (readRequest(in)) {
                        reply(s.getOutputStream(), 200, OK);
                    }
                } catch (IOException | InterruptedException e) {
                    // the test is over
                }
            });
            t.setDaemon(true);
            t.start();
            Thread releaser = new Thread(() -> {
                try {
                    Thread.sleep(600);
                } catch (InterruptedException e) {
                    return;
                }
                release.countDown();
            });
            releaser.start();

            ScenarioResult r = PushScenario.run(options(server.getLocalPort(), 5));

            assertThat(r.count("messages.sent")).isEqualTo(50);
            assertThat(r.count("messages.accepted")).isEqualTo(5);
            assertThat(r.count("messages.notSent")).isEqualTo(45);
            assertThat(r.failures()).isEmpty();
        }
    }

    @Test
    void shouldSplitAcceptedFromRefusedRepliesAndTimeTheRefusals() throws Exception {
        String overloaded = "{\"code\":302,\"message\":\"logic is overloaded; retry after 1 s\",\"data\":null}";
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = new BufferedInputStream(s.getInputStream());
                    OutputStream out = s.getOutputStream();
                    // 20 shed (429), 5 refused otherwise (503), then every one accepted
                    for (int i = 0; readRequest(in); i++) {
                        reply(out, i < 20 ? 429 : i < 25 ? 503 : 200, i < 20 ? overloaded : i < 25 ? BUSY : OK);
                    }
                } catch (IOException e) {
                    // the test is over
                }
            });
            t.setDaemon(true);
            t.start();

            ScenarioResult r = PushScenario.run(options(server.getLocalPort(), 1000));

            assertThat(r.count("messages.sent")).isEqualTo(50);
            assertThat(r.count("messages.accepted")).isEqualTo(25);
            assertThat(r.count(ReplySplit.REFUSED_COUNT)).isEqualTo(20);
            assertThat(r.failures()).containsOnly(Map.entry("push: HTTP 429 code 302", 20L),
                    Map.entry("push: HTTP 503 code 503", 5L));
            assertThat(r.latency("push").count()).isEqualTo(50);
            assertThat(r.latency(ReplySplit.ACCEPTED).count()).isEqualTo(25);
            assertThat(r.latency(ReplySplit.REFUSED).count()).isEqualTo(20);
            long perSecond = r.samples().stream().mapToLong(s -> s.rates().get(ReplySplit.REFUSED_COUNT)).sum();
            assertThat(perSecond).isEqualTo(20);
            long start = r.count("schedule.startEpochMillis");
            assertThat(r.count("schedule.endEpochMillis") - start).isEqualTo(250);
            // request 0 is due at the start, request 19 (the last 429) 95 ms later: no reply comes before its request
            assertThat(r.count("refused.firstEpochMillis")).isGreaterThanOrEqualTo(start);
            assertThat(r.count("refused.lastDueEpochMillis")).isEqualTo(start + 95);
            assertThat(r.count("refused.lastEpochMillis")).isGreaterThanOrEqualTo(start + 95)
                    .isGreaterThanOrEqualTo(r.count("refused.firstEpochMillis"));
        }
    }

    @Test
    void shouldLeaveTheRefusalTimesOutWhenNothingWasRefused() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = new BufferedInputStream(s.getInputStream());
                    while (readRequest(in)) {
                        reply(s.getOutputStream(), 200, OK);
                    }
                } catch (IOException e) {
                    // the test is over
                }
            });
            t.setDaemon(true);
            t.start();

            ScenarioResult r = PushScenario.run(options(server.getLocalPort(), 1000));

            assertThat(r.count("messages.accepted")).isEqualTo(50);
            assertThat(r.counts()).doesNotContainKeys("refused.firstEpochMillis", "refused.lastEpochMillis",
                            "refused.lastDueEpochMillis")
                    .containsKey("schedule.endEpochMillis");
            assertThat(r.count(ReplySplit.REFUSED_COUNT)).isZero();
            assertThat(r.latency(ReplySplit.REFUSED).count()).isZero();
            assertThat(r.latency(ReplySplit.ACCEPTED).count()).isEqualTo(50);
        }
    }

    @Test
    void shouldReadTheApiCodeFromAReplyBody() {
        assertThat(OpenLoopPublisher.apiCode(BUSY)).isEqualTo(503);
        assertThat(OpenLoopPublisher.apiCode("{\"code\": -3}")).isEqualTo(-3);
        assertThat(OpenLoopPublisher.apiCode("Service Unavailable")).isEqualTo(OpenLoopPublisher.NO_CODE);
    }

    /**
     * Replies to each request 20 ms after reading it, and notes whether more bytes had arrived on that connection
     * meanwhile (a pipelined request behind the one due); counts connections.
     */
    private static final class SlowServer implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger pipelined = new AtomicInteger();
        final AtomicInteger answered = new AtomicInteger();

        SlowServer() throws IOException {
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = server.accept();
                        connections.incrementAndGet();
                        Thread c = new Thread(() -> serve(s));
                        c.setDaemon(true);
                        c.start();
                    }
                } catch (IOException e) {
                    // the server socket closed: the test is over
                }
            });
            t.setDaemon(true);
            t.start();
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = new BufferedInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                while (readRequest(in)) {
                    Thread.sleep(20);
                    if (in.available() > 0) {
                        pipelined.incrementAndGet();
                    }
                    reply(out, 200, OK);
                    answered.incrementAndGet();
                }
            } catch (IOException | InterruptedException e) {
                // the client closed
            }
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    @Test
    void shouldKeepOneRequestPerConnectionAsAPoolWithDepthOne() throws Exception {
        try (SlowServer slow = new SlowServer()) {
            PushOptions o = options(slow.port(), 1000);
            PushOptions pool = new PushOptions(o.httpBase(), o.target(), o.roomType(), o.roomId(), o.mids(), o.keys(),
                    o.operation(), o.rate(), o.duration(), o.payloadSize(), o.maxInFlight(), o.publisherId(),
                    o.serverPid(), 3, o.runAs(), 1);

            ScenarioResult r = PushScenario.run(pool);

            // 200/s for 250 ms = 50 due; 3 connections answering in 20 ms each carry at most ~40 of them
            assertThat(slow.connections.get()).isEqualTo(3);
            assertThat(slow.pipelined.get()).as("requests sent behind one still due on its connection").isZero();
            assertThat(r.count("messages.notSent")).isPositive();
            assertThat(r.count("messages.accepted") + r.count("messages.notSent")).isEqualTo(r.count("messages.sent"));
            assertThat(r.count("messages.accepted")).isEqualTo(slow.answered.get());
            assertThat(r.failures()).isEmpty();
        }
    }

    @Test
    void shouldPipelineWithoutADepth() throws Exception {
        try (SlowServer slow = new SlowServer()) {
            ScenarioResult r = PushScenario.run(options(slow.port(), 1000));

            // the same server sees requests queued behind the one due: the check above can tell
            assertThat(slow.connections.get()).isEqualTo(1);
            assertThat(slow.pipelined.get()).isPositive();
            assertThat(r.count("messages.notSent")).isZero();
            assertThat(r.count("messages.accepted")).isEqualTo(r.count("messages.sent"));
        }
    }
}
