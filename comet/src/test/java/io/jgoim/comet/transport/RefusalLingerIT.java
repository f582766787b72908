package io.jgoim.comet.transport;

import io.jgoim.testkit.LateReader;
import io.jgoim.testkit.LeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every HTTP refusal of the comet's WebSocket listener before the upgrade reaches a client that keeps sending after
 * its request and reads only afterwards ({@link LateReader}): the whole answer (head and the body its Content-Length
 * names), then the end of the stream, and every write taken. Closing at once with the client's bytes unread made the
 * kernel answer them with a reset: the client's next write failed, and a refusal not yet transmitted was lost.
 */
@ExtendWith(LeakCheck.class)
@Timeout(120)
class RefusalLingerIT {
    private static final String UPGRADE = "Host: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    private static final String VALID = "GET /sub HTTP/1.1\r\n" + UPGRADE + "\r\n";
    private static final String MORE = "GET /sub HTTP/1.1\r\nHost: x\r\n\r\n".repeat(20);
    private static HostileComet hostile;

    @BeforeAll
    static void start() throws Exception {
        hostile = new HostileComet(Map.of("JGOIM_PROTOCOL_HANDSHAKE_TIMEOUT", "5s"));
    }

    @AfterAll
    static void stop() {
        hostile.close();
    }

    @AfterEach
    void bystanderServed() throws Exception {
        hostile.assertBystanderServed();
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("malformed request line", "\u0001garbage garbage\r\n\r\n", 400),
                Arguments.of("HTTP/1.0", VALID.replace("HTTP/1.1", "HTTP/1.0"), 505),
                Arguments.of("Sec-WebSocket-Version 8", VALID.replace("Version: 13", "Version: 8"), 426),
                Arguments.of("POST", VALID.replace("GET ", "POST "), 400),
                Arguments.of("foreign Origin", "GET /sub HTTP/1.1\r\n" + UPGRADE
                        + "Origin: http://evil.example\r\n\r\n", 403),
                Arguments.of("another path", VALID.replace("/sub", "/other"), 404),
                Arguments.of("a body over 8 KiB", "GET /sub HTTP/1.1\r\n" + UPGRADE
                        + "Content-Length: 100000\r\n\r\nhello", 413),
                Arguments.of("Expect: something", "GET /sub HTTP/1.1\r\n" + UPGRADE
                        + "Expect: something\r\nContent-Length: 5\r\n\r\nhello", 417));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("refusals")
    void shouldDeliverTheWholeRefusalToAClientStillSending(String name, String request, int status)
            throws Exception {
        LateReader.Outcome got = LateReader.send(hostile.comet().wsAddress(), request, MORE, 5000);
        assertThat(got.writeFailure()).as(name + ": a write after the refusal").isNull();
        assertThat(got.ended()).as(name + ": the stream ended after the refusal, not reset").isTrue();
        assertCompleteResponse(name, got.received(), status);
    }

    /** Exactly one response: {@code status}, {@code Connection: close}, and the body its Content-Length names. */
    static void assertCompleteResponse(String name, String received, int status) {
        assertThat(received).as(name).startsWith("HTTP/1.1 " + status + " ");
        int headEnd = received.indexOf("\r\n\r\n");
        assertThat(headEnd).as(name + ": end of head in " + received).isPositive();
        String head = received.substring(0, headEnd).toLowerCase();
        assertThat(head).as(name).contains("\r\nconnection: close");
        int at = head.indexOf("\r\ncontent-length: ");
        assertThat(at).as(name + ": Content-Length in " + head).isPositive();
        int end = head.indexOf("\r\n", at + 2);
        int length = Integer.parseInt(head.substring(at + 18, end < 0 ? head.length() : end).trim());
        assertThat(received.length() - headEnd - 4).as(name + ": body of " + received).isEqualTo(length);
    }
}
