package io.jgoim.common.tracing;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exporter against a real OTLP/HTTP endpoint (the JDK's HTTP server) that refuses batches, then accepts them:
 * after a failure no connection is attempted until the back-off is over (1 s, doubling), the skipped batches are
 * counted dropped, and the first success resets it. The clock is the test's, the HTTP exchange is real.
 */
class CollectorBackoffTest {
    private static final long SECOND = 1_000_000_000L;

    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger status = new AtomicInteger(400); // 400: refused and not retried by the sender
    private final AtomicLong now = new AtomicLong(5 * SECOND);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Counter exported = meters.counter("exported");
    private final Counter dropped = meters.counter("dropped");
    private HttpServer collector;
    private CountingSpanExporter exporter;
    private List<SpanData> batch;

    @BeforeEach
    void start() throws Exception {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            requests.incrementAndGet();
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        collector.start();
        String endpoint = "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces";
        exporter = new CountingSpanExporter(OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build(),
                exported, dropped, now::get);
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()) {
            provider.get("t").spanBuilder("a").startSpan().end();
            provider.get("t").spanBuilder("b").startSpan().end();
            batch = spans.getFinishedSpanItems(); // before the provider's close clears the in-memory exporter
        }
        assertThat(batch).hasSize(2);
    }

    @AfterEach
    void stop() {
        exporter.shutdown().join(5, TimeUnit.SECONDS);
        collector.stop(0);
    }

    private boolean export() {
        return exporter.export(batch).join(10, TimeUnit.SECONDS).isSuccess();
    }

    @Test
    void shouldLeaveAFailingCollectorAloneForADoublingPauseAndResumeOnSuccess() {
        assertThat(export()).isFalse();
        assertThat(requests.get()).isEqualTo(1);
        assertThat(exporter.failing()).isEqualTo(1);
        for (int i = 0; i < 10; i++) { // within the first pause (1 s): dropped without a connection
            now.addAndGet(SECOND / 20);
            assertThat(export()).isFalse();
        }
        assertThat(requests.get()).isEqualTo(1);
        assertThat(dropped.count()).isEqualTo(22);

        now.addAndGet(SECOND / 2); // 1 s after the failure: the probe, refused again, pause now 2 s
        assertThat(export()).isFalse();
        assertThat(requests.get()).isEqualTo(2);
        now.addAndGet(SECOND + SECOND / 2);
        assertThat(export()).isFalse();
        assertThat(requests.get()).as("1.5 s into a 2 s pause").isEqualTo(2);

        status.set(200); // the collector is back; found at the end of the pause
        now.addAndGet(SECOND / 2);
        assertThat(export()).isTrue();
        assertThat(requests.get()).isEqualTo(3);
        assertThat(exporter.failing()).isZero();
        for (int i = 0; i < 3; i++) { // answering again: every batch goes out, the clock not moving
            assertThat(export()).isTrue();
        }
        assertThat(requests.get()).isEqualTo(6);
        assertThat(exported.count()).isEqualTo(8);
        assertThat(dropped.count()).isEqualTo(26);
    }

    @Test
    void shouldCapThePauseAtThirtySeconds() {
        for (int i = 0; i < 8; i++) { // 1, 2, 4, 8, 16, 30, 30, 30 s
            assertThat(export()).isFalse();
            now.addAndGet(CollectorBackoff.MAX_NANOS);
        }
        assertThat(requests.get()).isEqualTo(8);
        assertThat(export()).isFalse();
        now.addAndGet(CollectorBackoff.MAX_NANOS - 1);
        assertThat(export()).isFalse();
        assertThat(requests.get()).as("one nanosecond short of the capped pause").isEqualTo(9);
        now.addAndGet(1);
        assertThat(export()).isFalse();
        assertThat(requests.get()).isEqualTo(10);
    }
}
