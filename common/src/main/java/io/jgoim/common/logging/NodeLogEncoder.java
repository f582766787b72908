package io.jgoim.common.logging;

import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.EncoderBase;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The nodes' log line, in one of two forms. JSON (cluster mode): one object per line with {@code ts} (UTC, ms),
 * {@code level}, {@code role} and {@code node} (which node wrote it), {@code logger}, {@code thread}, {@code msg},
 * then {@value #TRACE_ID} and {@value #SPAN_ID} when a span is current on the writing thread (or the event's MDC
 * holds them), and {@code error} and {@code stack} (the whole trace as one string) when it carries a throwable.
 * Text (standalone): {@code time LEVEL role/node [thread] logger - message}, the trace ids appended when present, a
 * stack on the lines below. The role, node and form are set by {@link NodeLogging} once the node's config is read
 * and may change while appenders run, so they are volatile. Called by the appender on the thread that logs;
 * encoding allocates per line (logging is off the push path).
 */
public final class NodeLogEncoder extends EncoderBase<ILoggingEvent> {
    /** The field (and MDC key) of the current trace's id (W3C, 32 hex). */
    public static final String TRACE_ID = "trace_id";
    /** The field (and MDC key) of the current span's id (W3C, 16 hex). */
    public static final String SPAN_ID = "span_id";
    private static final DateTimeFormatter JSON_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TEXT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private final TargetLengthBasedClassNameAbbreviator abbreviator = new TargetLengthBasedClassNameAbbreviator(36);
    private volatile boolean json;
    private volatile String role = "jgoim";
    private volatile String node = "-";

    /** {@code true}: JSON lines; {@code false}: text (also settable from logback.xml as {@code <json>}). */
    public void setJson(boolean json) {
        this.json = json;
    }

    public boolean isJson() {
        return json;
    }

    /** The node every line names: its role (standalone, comet, logic, job) and its {@code node.id}. */
    public void setNode(String role, String node) {
        this.role = role;
        this.node = node;
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        String line = json ? json(event) : text(event);
        return line.getBytes(StandardCharsets.UTF_8);
    }

    String json(ILoggingEvent e) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"ts\":\"").append(JSON_TIME.format(Instant.ofEpochMilli(e.getTimeStamp()))).append('"');
        field(sb, "level", e.getLevel().toString());
        field(sb, "role", role);
        field(sb, "node", node);
        field(sb, "logger", e.getLoggerName());
        field(sb, "thread", e.getThreadName());
        field(sb, "msg", e.getFormattedMessage());
        String[] ids = traceIds(e);
        if (ids != null) {
            optional(sb, TRACE_ID, ids[0]);
            optional(sb, SPAN_ID, ids[1]);
        }
        IThrowableProxy t = e.getThrowableProxy();
        if (t != null) {
            field(sb, "error", t.getClassName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
            field(sb, "stack", ThrowableProxyUtil.asString(t));
        }
        return sb.append('}').append('\n').toString();
    }

    String text(ILoggingEvent e) {
        StringBuilder sb = new StringBuilder(160);
        sb.append(TEXT_TIME.format(Instant.ofEpochMilli(e.getTimeStamp()))).append(' ');
        String level = e.getLevel().toString();
        sb.append(level).append(level.length() == 4 ? "  " : " ");
        sb.append(role).append('/').append(node).append(" [").append(e.getThreadName()).append("] ")
                .append(abbreviator.abbreviate(e.getLoggerName())).append(" - ").append(e.getFormattedMessage());
        String[] ids = traceIds(e);
        if (ids != null && ids[0] != null) {
            sb.append(" trace_id=").append(ids[0]);
        }
        if (ids != null && ids[1] != null) {
            sb.append(" span_id=").append(ids[1]);
        }
        sb.append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy t = e.getThrowableProxy();
        if (t != null) {
            sb.append(ThrowableProxyUtil.asString(t)).append(CoreConstants.LINE_SEPARATOR);
        }
        return sb.toString();
    }

    /**
     * The line's trace and span ids: the event's MDC when code put them there, else the span current on the
     * thread writing the line (the tracing code makes a push's span current and puts nothing in the MDC). The
     * console appender encodes on the logging thread, so that span is the caller's; an asynchronous appender
     * would encode elsewhere and keep only MDC ids. Null when neither has one.
     */
    private static String[] traceIds(ILoggingEvent e) {
        Map<String, String> mdc = e.getMDCPropertyMap();
        if (mdc != null && (mdc.containsKey(TRACE_ID) || mdc.containsKey(SPAN_ID))) {
            return new String[] {mdc.get(TRACE_ID), mdc.get(SPAN_ID)};
        }
        SpanContext current = Span.current().getSpanContext();
        return current.isValid() ? new String[] {current.getTraceId(), current.getSpanId()} : null;
    }

    private static void optional(StringBuilder sb, String name, String value) {
        if (value != null) {
            field(sb, name, value);
        }
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append(",\"").append(name).append("\":");
        if (value == null) {
            sb.append("null");
            return;
        }
        sb.append('"');
        escape(sb, value);
        sb.append('"');
    }

    /** Appends {@code s} as the inside of a JSON string (RFC 8259: quote, backslash and controls escaped). */
    static void escape(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append("\\u00").append(Character.forDigit(c >> 4, 16))
                                .append(Character.forDigit(c & 15, 16));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
    }
}
