package io.jgoim.logic.http;

import io.jgoim.testkit.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tracing on with its collector down: every push is answered as without tracing (200, code 0, published), each
 * with its own trace id, and the spans that could not be exported are dropped and counted, never retried forever
 * or blocking the API.
 */
class PushTracingIT {
    private HttpFixture http;

    @AfterEach
    void close() {
        if (http != null) {
            http.close();
        }
    }

    @Test
    void shouldAnswerEveryPushAndCountTheDroppedSpansWhenTheCollectorIsDown() throws Exception {
        int deadPort = FreePorts.next();  // nothing listens there: connections are refused
        http = new HttpFixture(Map.of("JGOIM_TRACING_ENABLED", "true", "JGOIM_TRACING_EXPORTER", "zipkin",
                "JGOIM_TRACING_ENDPOINT", "http://127.0.0.1:" + deadPort + "/api/v2/spans",
                "JGOIM_TRACING_SAMPLING_RATIO", "1.0", "JGOIM_TRACING_EXPORT_TIMEOUT", "1s"));
        int pushes = 20;
        Set<String> traces = new HashSet<>();
        try (HttpFixture.Conn c = http.connect()) {
            for (int i = 0; i < pushes; i++) {
                String body = "m" + i;
                c.send("POST /goim/push/room?operation=1000&type=live&room=9 HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body);
                HttpFixture.Response r = c.read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.code()).isZero();
                assertThat(r.headers().get("x-trace-id")).matches("[0-9a-f]{32}");
                // flags: sampled (01), with the W3C level-2 random-trace-id bit (02) when the id was generated here
                assertThat(r.headers().get("traceparent"))
                        .matches("00-" + r.headers().get("x-trace-id") + "-[0-9a-f]{16}-0[13]");
                traces.add(r.headers().get("x-trace-id"));
            }
        }
        assertThat(traces).as("one new trace per push").hasSize(pushes);
        // Two spans per push (HTTP push + produce), all dropped: the collector refuses every connection.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(http.metric("jgoim_tracing_spans_dropped_total")).isEqualTo(2.0 * pushes));
        assertThat(http.metric("jgoim_tracing_spans_exported_total")).isZero();
        http.assertServesNormally();
    }
}
