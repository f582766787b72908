package io.jgoim.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The log line forms: JSON that parses, one object per line, with the node and the trace ids; text for people. */
class NodeLogEncoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger("io.jgoim.job.consume.PushConsumer");

    private NodeLogEncoder encoder(boolean json) {
        NodeLogEncoder e = new NodeLogEncoder();
        e.setContext(context);
        e.setJson(json);
        e.setNode("job", "job-7");
        e.start();
        return e;
    }

    private LoggingEvent event(Level level, String message, Throwable t, Map<String, String> mdc) {
        LoggingEvent e = new LoggingEvent(Logger.class.getName(), logger, level, message, t, null);
        e.setThreadName("jgoim-consumer-1");
        e.setTimeStamp(1_764_943_371_123L); // 2025-12-05T14:02:51.123Z
        e.setMDCPropertyMap(mdc);
        return e;
    }

    private static String line(NodeLogEncoder enc, LoggingEvent e) {
        return new String(enc.encode(e), StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteOneJsonObjectPerLineWithTheNodeAndLevel() throws Exception {
        String line = line(encoder(true), event(Level.WARN, "lag at 3 partitions", null, Map.of()));

        assertThat(line).endsWith("\n").doesNotContain("\r");
        assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
        JsonNode n = JSON.readTree(line);
        assertThat(n.get("ts").asText()).isEqualTo("2025-12-05T14:02:51.123Z");
        assertThat(n.get("level").asText()).isEqualTo("WARN");
        assertThat(n.get("role").asText()).isEqualTo("job");
        assertThat(n.get("node").asText()).isEqualTo("job-7");
        assertThat(n.get("logger").asText()).isEqualTo("io.jgoim.job.consume.PushConsumer");
        assertThat(n.get("thread").asText()).isEqualTo("jgoim-consumer-1");
        assertThat(n.get("msg").asText()).isEqualTo("lag at 3 partitions");
        assertThat(n.has("trace_id")).isFalse();
        assertThat(n.has("span_id")).isFalse();
        assertThat(n.has("error")).isFalse();
    }

    @Test
    void shouldCarryTraceAndSpanIdsFromTheMdcOnlyWhenPresent() throws Exception {
        NodeLogEncoder enc = encoder(true);
        JsonNode both = JSON.readTree(line(enc, event(Level.INFO, "x", null,
                Map.of("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736", "span_id", "00f067aa0ba902b7", "other", "y"))));
        assertThat(both.get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(both.get("span_id").asText()).isEqualTo("00f067aa0ba902b7");
        assertThat(both.has("other")).as("only the documented MDC keys").isFalse();

        JsonNode traceOnly = JSON.readTree(line(enc, event(Level.INFO, "x", null,
                Map.of("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"))));
        assertThat(traceOnly.has("trace_id")).isTrue();
        assertThat(traceOnly.has("span_id")).isFalse();
    }

    @Test
    void shouldEscapeQuotesBackslashesAndControlCharactersSoTheLineStaysOneObject() throws Exception {
        String nasty = "say \"hi\"\\ then\nnew line\r\tand \u0001 and \u001f and é 中 \u2028";
        String line = line(encoder(true), event(Level.ERROR, nasty, null, Map.of()));

        assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
        assertThat(JSON.readTree(line).get("msg").asText()).isEqualTo(nasty);
    }

    @Test
    void shouldPutAThrowableIntoErrorAndStackFieldsOfTheSameLine() throws Exception {
        IllegalStateException boom = new IllegalStateException("broker \"b1\" gone");
        String line = line(encoder(true), event(Level.ERROR, "send failed", boom, Map.of()));

        assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
        JsonNode n = JSON.readTree(line);
        assertThat(n.get("error").asText()).isEqualTo("java.lang.IllegalStateException: broker \"b1\" gone");
        assertThat(n.get("stack").asText()).contains("IllegalStateException").contains("NodeLogEncoderTest");
    }

    @Test
    void shouldWriteReadableTextWithTheNodeAndTraceIds() {
        NodeLogEncoder enc = encoder(false);
        String plain = line(enc, event(Level.INFO, "started", null, Map.of()));
        assertThat(plain).contains(" INFO  job/job-7 [jgoim-consumer-1] ").contains(" - started")
                .doesNotContain("trace_id").doesNotStartWith("{");

        String traced = line(enc, event(Level.INFO, "pushed", null,
                Map.of("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736", "span_id", "00f067aa0ba902b7")));
        assertThat(traced).contains(" - pushed trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7");
    }

    /** The tracing code makes a push's span current and puts nothing in the MDC: the line reads the current span. */
    @Test
    void shouldWriteTheIdsOfTheSpanCurrentOnTheLoggingThread() throws Exception {
        Span span = Span.wrap(SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                TraceFlags.getDefault(), TraceState.getDefault())); // not sampled: its ids still name the push
        String text;
        String json;
        try (Scope s = span.makeCurrent()) {
            text = line(encoder(false), event(Level.WARN, "slow", null, Map.of()));
            json = line(encoder(true), event(Level.WARN, "slow", null, Map.of()));
        }
        assertThat(text).contains(" - slow trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7");
        JsonNode n = JSON.readTree(json);
        assertThat(n.get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(n.get("span_id").asText()).isEqualTo("00f067aa0ba902b7");

        String after = line(encoder(false), event(Level.WARN, "later", null, Map.of()));
        assertThat(after).doesNotContain("trace_id"); // the scope closed: no span is current

        try (Scope s = span.makeCurrent()) { // ids a caller put in the MDC win over the current span
            JsonNode m = JSON.readTree(line(encoder(true), event(Level.INFO, "x", null,
                    Map.of("trace_id", "0af7651916cd43dd8448eb211c80319c"))));
            assertThat(m.get("trace_id").asText()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
            assertThat(m.has("span_id")).isFalse();
        }
    }

    @Test
    void shouldSwitchFormAndNodeWhileRunning() throws Exception {
        NodeLogEncoder enc = encoder(false);
        assertThat(line(enc, event(Level.INFO, "a", null, Map.of()))).doesNotStartWith("{");
        enc.setJson(true);
        enc.setNode("logic", "logic-2");
        JsonNode n = JSON.readTree(line(enc, event(Level.INFO, "b", null, Map.of())));
        assertThat(n.get("role").asText()).isEqualTo("logic");
        assertThat(n.get("node").asText()).isEqualTo("logic-2");
    }
}
