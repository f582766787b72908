package io.jgoim.comet.transport;

import io.jgoim.comet.TestClient;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.testkit.LeakCheck;
import io.jgoim.testkit.StderrLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile HTTP on the comet's WebSocket listener before any upgrade, over a raw socket: a request Netty cannot decode
 * (400), a request line naming another version than HTTP/1.1 (505), a WebSocket version other than 13 (426), a
 * request head or body that misses the handshake deadline (408 with X-Jgoim-Close-Code 4005). Each is answered with
 * its status and the connection closed; nothing is logged at ERROR or with a stack trace (the log is read from the
 * comet's stderr), and the bystander session is served after every case.
 */
@ExtendWith(LeakCheck.class)
@Timeout(120)
class WebSocketUpgradeRequestIT {
    private static final String PATH = "/sub";
    private static final String UPGRADE = "Host: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    private static final String VALID = "GET " + PATH + " HTTP/1.1\r\n" + UPGRADE + "\r\n";
    private static final long DEADLINE_MILLIS = 2000;
    private static StderrLog log;
    private static HostileComet hostile;
    private int logMark;

    @BeforeAll
    static void start() throws Exception {
        log = StderrLog.install();
        hostile = new HostileComet(Map.of("JGOIM_PROTOCOL_HANDSHAKE_TIMEOUT", DEADLINE_MILLIS + "ms"));
        assertThat(hostile.comet().config().webSocket().path()).isEqualTo(PATH);
    }

    @AfterAll
    static void stop() {
        hostile.close();
        log.close();
    }

    @BeforeEach
    void markLog() {
        logMark = log.mark();
    }

    @AfterEach
    void nothingElseHurt() throws Exception {
        hostile.assertBystanderServed();
        assertThat(log.since(logMark)).as("the comet's log during the case").doesNotContain(" ERROR ").doesNotContain("\tat ");
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("not a request line", "\u0001\u0002garbage garbage\r\n\r\n", 400),
                Arguments.of("no version (HTTP/0.9)", "GET " + PATH + "\r\n\r\n", 400),
                Arguments.of("a header over 8 KiB", "GET " + PATH + " HTTP/1.1\r\n" + UPGRADE + "X-Big: "
                        + "a".repeat(9000) + "\r\n\r\n", 400),
                Arguments.of("a head over 8 KiB in small headers", "GET " + PATH + " HTTP/1.1\r\n" + UPGRADE
                        + "X-A: b\r\n".repeat(2000) + "\r\n", 400),
                Arguments.of("a request line over 4 KiB", "GET " + PATH + "?" + "a".repeat(5000) + " HTTP/1.1\r\n"
                        + UPGRADE + "\r\n", 400),
                Arguments.of("Content-Length not a number", "GET " + PATH + " HTTP/1.1\r\n" + UPGRADE
                        + "Content-Length: abc\r\n\r\n", 400),
                Arguments.of("two different Content-Lengths", "GET " + PATH + " HTTP/1.1\r\n" + UPGRADE
                        + "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400),
                Arguments.of("a header name with a space", "GET " + PATH + " HTTP/1.1\r\n" + UPGRADE
                        + "Bad Name: v\r\n\r\n", 400),
                Arguments.of("a body over 8 KiB", "GET " + PATH + " HTTP/1.1\r\n" + UPGRADE
                        + "Content-Length: 100000\r\n\r\nhello", 413),
                Arguments.of("a body over 8 KiB with Expect: 100-continue", "GET " + PATH + " HTTP/1.1\r\n" + UPGRADE
                        + "Expect: 100-continue\r\nContent-Length: 100000\r\n\r\n", 413),
                Arguments.of("HTTP/2.0", VALID.replace("HTTP/1.1", "HTTP/2.0"), 505),
                Arguments.of("HTTP/1.2", VALID.replace("HTTP/1.1", "HTTP/1.2"), 505),
                Arguments.of("HTTP/1.0", VALID.replace("HTTP/1.1", "HTTP/1.0"), 505),
                Arguments.of("HTTP/3.0", VALID.replace("HTTP/1.1", "HTTP/3.0"), 505),
                Arguments.of("Sec-WebSocket-Version 8", VALID.replace("Version: 13", "Version: 8"), 426),
                Arguments.of("Sec-WebSocket-Version not a number", VALID.replace("Version: 13", "Version: x"), 426),
                Arguments.of("no Sec-WebSocket-Version", VALID.replace("Sec-WebSocket-Version: 13\r\n", ""), 426),
                Arguments.of("no Sec-WebSocket-Key", VALID.replace("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n",
                        ""), 400),
                Arguments.of("Expect other than 100-continue", "GET " + PATH + " HTTP/1.1\r\n" + UPGRADE
                        + "Expect: something\r\nContent-Length: 5\r\n\r\nhello", 417),
                Arguments.of("POST", VALID.replace("GET ", "POST "), 400),
                // found by UpgradeFuzzIT: Netty upgraded these (RFC 6455 4.2.1, 11.3.1, 11.3.5)
                Arguments.of("an empty Sec-WebSocket-Key", VALID.replace("Key: dGhlIHNhbXBsZSBub25jZQ==", "Key: "), 400),
                Arguments.of("a Sec-WebSocket-Key of 32 bytes", VALID.replace("Key: dGhlIHNhbXBsZSBub25jZQ==",
                        "Key: YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWY="), 400),
                Arguments.of("a Sec-WebSocket-Key not base64", VALID.replace("Key: dGhlIHNhbXBsZSBub25jZQ==",
                        "Key: !!!!notbase64!!!!!!!!!=="), 400),
                Arguments.of("two Sec-WebSocket-Keys", VALID.replace("\r\n\r\n",
                        "\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"), 400),
                Arguments.of("two Sec-WebSocket-Versions", VALID.replace("\r\n\r\n",
                        "\r\nSec-WebSocket-Version: 8\r\n\r\n"), 400),
                // found by UpgradeFuzzIT: Netty answered these 426 and left the connection open, to get a 408 at
                // the deadline as a second answer
                Arguments.of("HEAD with Sec-WebSocket-Version 013", VALID.replace("GET ", "HEAD ")
                        .replace("Version: 13", "Version: 013"), 400),
                Arguments.of("PUT with Sec-WebSocket-Version 8", VALID.replace("GET ", "PUT ")
                        .replace("Version: 13", "Version: 8"), 400),
                Arguments.of("an unknown method", VALID.replace("GET ", "FOO "), 400),
                Arguments.of("an escape that does not decode", VALID.replace(PATH + " ", PATH + "?token=%zz "), 404),
                Arguments.of("an overlong UTF-8 escape", VALID.replace(PATH + " ", PATH + "%C0%AE "), 404),
                // RFC 6455 4.1 and RFC 9112 3.2 (Netty upgraded these): exactly one Host; a body only as it is
                Arguments.of("no Host", VALID.replace("Host: x\r\n", ""), 400),
                Arguments.of("two Hosts", VALID.replace("Host: x\r\n", "Host: x\r\nHost: y\r\n"), 400),
                Arguments.of("Transfer-Encoding: gzip, chunked", "GET " + PATH + " HTTP/1.1\r\n" + UPGRADE
                        + "Transfer-Encoding: gzip, chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n", 400),
                // fuzzing: without the body Netty waited for one, and the answer was the 408 at the deadline
                Arguments.of("Transfer-Encoding: gzip, chunked, no body", "GET " + PATH + " HTTP/1.1\r\n" + UPGRADE
                        + "Transfer-Encoding: gzip, chunked\r\n\r\n", 400),
                Arguments.of("Transfer-Encoding: deflate, chunked, no body", "GET " + PATH + " HTTP/1.1\r\n"
                        + UPGRADE + "Transfer-Encoding: deflate, chunked\r\n\r\n", 400),
                Arguments.of("Transfer-Encoding: identity", "GET " + PATH + " HTTP/1.1\r\n" + UPGRADE
                        + "Transfer-Encoding: identity\r\n\r\n", 400));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("refused")
    void shouldAnswerABadUpgradeRequestWithItsStatusAndClose(String name, String request, int status)
            throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            // answered and closed at once, well before the handshake deadline would close it
            String answer = readToEnd(s, DEADLINE_MILLIS / 2);
            assertThat(answer).as(name).startsWith("HTTP/1.1 " + status + " ").endsWith(END);
            if (status == 426) {
                assertThat(answer).containsIgnoringCase("sec-websocket-version: 13\r\n");
            }
        }
    }

    /** Fuzzing: the 404 had an empty body where every other refusal on this port names the problem. */
    @Test
    void shouldNameTheProblemInA404() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(VALID.replace(PATH + " ", "/nope ").getBytes(StandardCharsets.ISO_8859_1));
            String answer = readToEnd(s, DEADLINE_MILLIS / 2);
            assertThat(answer).startsWith("HTTP/1.1 404 ").endsWith(END)
                    .contains("no WebSocket endpoint at /nope: this port serves only the WebSocket upgrade");
        }
    }

    static Stream<Arguments> notUpgrades() {
        String noUpgrade = VALID.replace("Upgrade: websocket\r\n", "");
        return Stream.of(
                Arguments.of("a GET without Upgrade", noUpgrade, "the request needs the header Upgrade: websocket"),
                Arguments.of("a plain GET", "GET " + PATH + " HTTP/1.1\r\nHost: x\r\nSec-WebSocket-Version: 13\r\n\r\n",
                        "the request needs the header Upgrade: websocket"),
                // a browser opening the URL: was 426 "Sec-WebSocket-Version must be 13"
                Arguments.of("a GET with no WebSocket header", "GET " + PATH + " HTTP/1.1\r\nHost: x\r\n\r\n",
                        "the request needs the header Upgrade: websocket"),
                Arguments.of("Upgrade: h2c", VALID.replace("Upgrade: websocket", "Upgrade: h2c"),
                        "the request needs the header Upgrade: websocket"),
                Arguments.of("Connection: keep-alive", VALID.replace("Connection: Upgrade", "Connection: keep-alive"),
                        "the request needs a Connection header with the token upgrade"),
                Arguments.of("an empty Sec-WebSocket-Key", VALID.replace("dGhlIHNhbXBsZSBub25jZQ==", ""),
                        "the request needs a Sec-WebSocket-Key header"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notUpgrades")
    void shouldAnswerAGetOnThePathThatIsNotAnUpgradeWithOurOwn400(String name, String request, String missing)
            throws Exception {
        String body = "not a WebSocket upgrade: " + missing + "\n";
        try (Socket s = connect()) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readToEnd(s, DEADLINE_MILLIS / 2)).as(name).isEqualTo("HTTP/1.1 400 Bad Request\r\n"
                    + "content-type: text/plain; charset=utf-8\r\ncontent-length: " + body.length() + "\r\n"
                    + "connection: close\r\n\r\n" + body + END);
        }
    }

    @Test
    void shouldUpgradeAnAbsoluteFormTargetByItsPathAndAnEmptyHost() throws Exception {
        // RFC 6455 4.1: the request URI may be an absolute http URI naming the resource; RFC 9112 3.2: Host may be empty
        for (String request : new String[] {VALID.replace("GET " + PATH, "GET http://comet.example:3102" + PATH),
            VALID.replace("Host: x", "Host: ")}) {
            try (Socket s = connect()) {
                s.setSoTimeout(3000);
                s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                byte[] head = s.getInputStream().readNBytes(12);
                assertThat(new String(head, StandardCharsets.ISO_8859_1)).as(request).isEqualTo("HTTP/1.1 101");
            }
        }
    }

    @Test
    void shouldReadFramesSentInTheSameWriteAsTheUpgradeRequest() throws Exception {
        // RFC 6455 4.1 has the client wait for the 101; one that does not had its auth dropped (then 4005 or 4506)
        byte[] auth = RawWebSocket.frame(0x82, true, TestClient.frame(PacketLayout.VERSION_EXTENDED, Op.AUTH, 1,
                HostileComet.token(hostile.newKey(), "live://pipelined").getBytes(StandardCharsets.UTF_8)));
        byte[] heartbeat = RawWebSocket.frame(0x82, true,
                TestClient.frame(PacketLayout.VERSION_EXTENDED, Op.HEARTBEAT, 2, new byte[0]));
        byte[] request = VALID.getBytes(StandardCharsets.ISO_8859_1);
        for (int split : new int[] {-1, auth.length / 2, auth.length + 3}) {
            try (Socket s = connect()) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                all.writeBytes(request);
                all.writeBytes(auth);
                all.writeBytes(heartbeat);
                byte[] bytes = all.toByteArray();
                // the request and everything (split -1), or the request and part of the frames, then the rest
                int first = split < 0 ? bytes.length : request.length + split;
                s.getOutputStream().write(bytes, 0, first);
                RawWebSocket ws = RawWebSocket.over(s);
                assertThat(ws.readHead()).startsWith("HTTP/1.1 101");
                s.getOutputStream().write(bytes, first, bytes.length - first);
                byte[] authReply = ws.nextBinary();
                assertThat(TestClient.op(authReply)).as("split %d: the auth reply", split).isEqualTo(Op.AUTH_REPLY);
                byte[] hbReply = ws.nextBinary();
                assertThat(TestClient.op(hbReply)).as("split %d: the heartbeat reply", split)
                        .isEqualTo(Op.HEARTBEAT_REPLY);
                assertThat(TestClient.seq(hbReply)).isEqualTo(2);
            }
        }
    }

    @Test
    void shouldAnswer408WhenNothingIsSentBeforeTheDeadline() throws Exception {
        assertRequestTimeout("");
    }

    @Test
    void shouldAnswer408WhenTheHeadNeverEnds() throws Exception {
        assertRequestTimeout("GET " + PATH + " HTTP/1.1\r\nHost: x\r\n");
    }

    @Test
    void shouldAnswer408WhenTheBodyNeverEnds() throws Exception {
        assertRequestTimeout("GET " + PATH + " HTTP/1.1\r\n" + UPGRADE + "Content-Length: 10\r\n\r\nab");
    }

    @Test
    void shouldAnswer408ToAHeadSentOneByteAtATime() throws Exception {
        double before = hostile.closes(CloseCode.HANDSHAKE_TIMEOUT);
        long start = System.nanoTime();
        try (Socket s = connect()) {
            s.setSoTimeout(1);
            byte[] head = VALID.getBytes(StandardCharsets.ISO_8859_1);
            int sent = 0;
            int first = -1;
            while (sent < head.length && first < 0) {
                try {
                    s.getOutputStream().write(head[sent++]);
                } catch (IOException closed) {
                    break;
                }
                try {
                    first = s.getInputStream().read(); // the answer began (or the connection ended): read it below
                    if (first < 0) {
                        break;
                    }
                } catch (SocketTimeoutException stillOpen) {
                    Thread.sleep(250);
                }
            }
            assertThat(sent).as("the head was never complete").isLessThan(head.length);
            String answer = (first < 0 ? "" : String.valueOf((char) first)) + readToEnd(s, 3000);
            assertThat(answer).startsWith("HTTP/1.1 408 ").endsWith(END);
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(DEADLINE_MILLIS - 100,
                    DEADLINE_MILLIS + 2000);
        }
        hostile.awaitCloses(CloseCode.HANDSHAKE_TIMEOUT, before + 1);
    }

    @Test
    void shouldLogNothingWhenTheClientLeavesInTheMiddleOfTheBody() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(("GET " + PATH + " HTTP/1.1\r\n" + UPGRADE
                    + "Expect: 100-continue\r\nContent-Length: 10\r\n\r\nab").getBytes(StandardCharsets.ISO_8859_1));
            s.setSoTimeout(3000);
            assertThat(s.getInputStream().read()).as("100 Continue").isEqualTo('H');
        }
        Thread.sleep(500); // the comet sees the close and would log it
    }

    private static void assertRequestTimeout(String sent) throws Exception {
        double before = hostile.closes(CloseCode.HANDSHAKE_TIMEOUT);
        long start = System.nanoTime();
        try (Socket s = connect()) {
            s.getOutputStream().write(sent.getBytes(StandardCharsets.ISO_8859_1));
            String answer = readToEnd(s, DEADLINE_MILLIS + 3000);
            assertThat(answer).startsWith("HTTP/1.1 408 ").containsIgnoringCase("connection: close\r\n")
                    .containsIgnoringCase("x-jgoim-close-code: " + CloseCode.HANDSHAKE_TIMEOUT.code() + "\r\n")
                    .endsWith(END);
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(DEADLINE_MILLIS - 100);
        }
        hostile.awaitCloses(CloseCode.HANDSHAKE_TIMEOUT, before + 1);
    }

    /** Appended by {@link #readToEnd} when the comet closed the connection. */
    private static final String END = "<EOF>";

    private static Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(hostile.comet().wsAddress(), 3000);
        return s;
    }

    /** What the comet sent until it closed the connection (then {@link #END}), or until {@code millis} passed. */
    private static String readToEnd(Socket s, long millis) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        long end = System.nanoTime() + millis * 1_000_000;
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        while (System.nanoTime() < end) {
            s.setSoTimeout((int) Math.max(1, (end - System.nanoTime()) / 1_000_000));
            try {
                int n = in.read(buf);
                if (n < 0) {
                    return b.toString(StandardCharsets.ISO_8859_1) + END;
                }
                b.write(buf, 0, n);
            } catch (SocketTimeoutException e) {
                break;
            } catch (IOException reset) {
                return b.toString(StandardCharsets.ISO_8859_1) + END;
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
