package io.jgoim.logic.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A malformed percent-escape or invalid UTF-8 anywhere in the request target (query or path) is the client's error:
 * HTTP 400 with code 400 on a connection that stays usable, never a 500, a silent close or a stack trace, and a flood
 * of them logs at most about a line a second.
 */
@Timeout(120)
class MalformedUriIT {
    private static final List<String> BAD_TARGETS = List.of(
            "/goim/push/keys?operation=1000&keys=%zz",
            "/goim/push/keys?operation=1000&keys=%",
            "/goim/push/keys?operation=1000&keys=%4",
            "/goim/push/keys?operation=1000&keys=%ff",
            "/goim/push/keys?operation=1000&keys=%c3%28",
            "/goim/push/keys?operation=1000&keys=%e2%82",
            "/goim/push/keys?operation=1000&keys=a&%zz=1",
            "/goim/push/keys?operation=%zz&keys=a",
            "/goim/push/%zz",
            "/goim/push/keys%?operation=1000&keys=a",
            "/goim/push/%ff?operation=1000&keys=a",
            "/%c0%af");

    private final HttpFixture http = new HttpFixture(Map.of());

    @AfterEach
    void close() {
        http.close();
    }

    @Test
    void shouldAnswerEveryMalformedEscape400OnAConnectionThatStaysUsable() throws Exception {
        for (String target : BAD_TARGETS) {
            try (HttpFixture.Conn c = http.connect()) {
                c.send("POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nm");
                HttpFixture.Response r = c.read();
                assertThat(r.status()).as(target).isEqualTo(400);
                assertThat(r.code()).as(target).isEqualTo(400);
                assertThat(r.json().get("message").asText()).as(target).contains("malformed");
                // The same connection still answers a well-formed request normally.
                c.send("GET /goim/online/total HTTP/1.1\r\nHost: x\r\n\r\n");
                HttpFixture.Response next = c.read();
                assertThat(next.status()).as("after " + target).isEqualTo(200);
                assertThat(next.code()).isZero();
            }
        }
        http.assertServesNormally();
    }

    @Test
    void shouldAnswerARawByteThatMustBeEscaped400OnAConnectionThatStaysUsable() throws Exception {
        http.directory.addSession(7, "caf\u00e9", "c1").join();
        // raw UTF-8 (which Netty read as ISO-8859-1 and routed to nobody), raw Latin-1, NUL, ESC, DEL
        Map<String, Integer> rawTargets = Map.of(
                "/goim/push/keys?operation=1000&keys=caf\u00c3\u00a9", 0xC3,
                "/goim/push/keys?operation=1000&keys=caf\u00e9", 0xE9,
                "/goim/push/keys?operation=1000&keys=a\u0000b", 0x00,
                "/goim/push/keys?operation=1000&keys=\u001b[31mred", 0x1B,
                "/goim/push/keys?operation=1000&keys=a\u007f", 0x7F);
        for (Map.Entry<String, Integer> t : rawTargets.entrySet()) {
            try (HttpFixture.Conn c = http.connect()) {
                c.send("POST " + t.getKey() + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nm");
                HttpFixture.Response r = c.read();
                assertThat(r.status()).as(t.getKey()).isEqualTo(400);
                assertThat(r.code()).as(t.getKey()).isEqualTo(400);
                assertThat(r.json().get("message").asText()).as(t.getKey()).isEqualTo(String.format(
                        "malformed request target: byte 0x%02X at offset %d must be percent-encoded", t.getValue(),
                        t.getKey().indexOf((char) t.getValue().intValue())));
                c.send("GET /goim/online/total HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(c.read().status()).as("after " + t.getKey()).isEqualTo(200);
            }
        }
        assertThat(http.published.records()).as("nothing published").isEmpty();
        // the same key percent-encoded as UTF-8 reaches its session
        try (HttpFixture.Conn c = http.connect()) {
            c.send("POST /goim/push/keys?operation=1000&keys=caf%C3%A9 HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: 1\r\n\r\nm");
            HttpFixture.Response r = c.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("data").get("routed").asInt()).isEqualTo(1);
        }
        assertThat(http.published.records()).hasSize(1);
    }

    @Test
    void shouldLogTheClientsBytesInADecoderFailureEscaped() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (HttpFixture.Conn c = http.connect()) {
            // Netty's decoder quotes the version it could not read in its message, which the WARN line carries
            c.send("GET /goim/online/total FOO\u001b[2J\u001b]0;pwned\u0007\rBAR\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(400);
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        List<String> lines = Arrays.stream(log.split("\n")).filter(l -> l.contains("HTTP client error")).toList();
        assertThat(lines).as(log).hasSize(1);
        assertThat(lines.get(0)).contains("FOO\\x1B[2J\\x1B]0;PWNED\\x07\\x0DBAR")
                .doesNotContain("\u001b").doesNotContain("\r").doesNotContain("\u0007");
        http.assertServesNormally();
    }

    @Test
    void shouldLogAFloodOfMalformedRequestsAtABoundedRateWithoutStackTraces() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        long start = System.nanoTime();
        List<Integer> statuses = new ArrayList<>();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (HttpFixture.Conn c = http.connect()) {
            for (int round = 0; round < 10; round++) {
                for (String target : BAD_TARGETS) {
                    c.send("POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nm");
                    statuses.add(c.read().status());
                }
            }
        } finally {
            System.setErr(original);
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        String log = captured.toString(StandardCharsets.UTF_8);
        List<String> lines = Arrays.stream(log.split("\n")).filter(l -> !l.isBlank()).toList();
        // Other components may log meanwhile: only the HTTP listener's lines and stacks through it count.
        assertThat(lines).as("no ERROR and no stack trace from the HTTP listener in\n%s", log).noneMatch(l ->
                l.contains("ERROR io.jgoim.logic.http") || l.contains("ERROR io.jgoim.common.http")
                        || l.startsWith("\tat ") && (l.contains("QueryStringDecoder") || l.contains("jgoim.logic.http")
                        || l.contains("jgoim.common.http")));
        assertThat(lines.stream().filter(l -> l.contains("malformed")).count())
                .as("%d malformed requests in %d s logged as\n%s", statuses.size(), seconds, log)
                .isLessThanOrEqualTo(seconds + 2);
        assertThat(statuses).hasSize(10 * BAD_TARGETS.size()).containsOnly(400);
        http.assertServesNormally();
    }
}
