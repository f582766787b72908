package io.jgoim.common.tracing;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;

import java.nio.charset.StandardCharsets;

/**
 * The span context of a new trace's root that is not sampled ({@link Tracing#unsampledRoot()}): its ids kept as the
 * W3C {@code traceparent} bytes, written once from three random longs. Every use a push makes of it reads those
 * bytes — the Kafka record header and the push API's two response headers share the one array
 * ({@link Tracing#traceparentBytes}) — so the 99 % of pushes the default ratio does not sample build no id strings
 * and no second copy; the strings of {@link #getTraceId()} and {@link #getSpanId()} are made only if something asks
 * (a log line, a propagator). Immutable once built: the array is never written after the constructor.
 */
final class UnsampledRoot implements SpanContext {
    /** Not sampled, trace id random (W3C trace context level 2), as the SDK flags its own roots. */
    static final TraceFlags FLAGS = TraceFlags.fromByte((byte) 0x02);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final byte[] traceparent = new byte[55];

    /** {@code lo} and {@code span} must not be 0 (an all-zero id is invalid). */
    UnsampledRoot(long hi, long lo, long span) {
        byte[] b = traceparent;
        b[0] = '0';
        b[1] = '0';
        b[2] = '-';
        hex(hi, b, 3);
        hex(lo, b, 19);
        b[35] = '-';
        hex(span, b, 36);
        b[52] = '-';
        b[53] = '0';
        b[54] = '2';
    }

    private static void hex(long v, byte[] to, int at) {
        for (int i = 15; i >= 0; i--) {
            to[at + i] = HEX[(int) (v & 0xf)];
            v >>>= 4;
        }
    }

    /** {@code 00-<trace id>-<span id>-02}, shared: read it, never write it. */
    byte[] traceparent() {
        return traceparent;
    }

    @Override
    public String getTraceId() {
        return new String(traceparent, 3, 32, StandardCharsets.US_ASCII);
    }

    @Override
    public String getSpanId() {
        return new String(traceparent, 36, 16, StandardCharsets.US_ASCII);
    }

    /** Always: its ids are not zero (the constructor's contract); answered without building the id strings. */
    @Override
    public boolean isValid() {
        return true;
    }

    @Override
    public boolean isSampled() {
        return false;
    }

    @Override
    public TraceFlags getTraceFlags() {
        return FLAGS;
    }

    @Override
    public TraceState getTraceState() {
        return TraceState.getDefault();
    }

    @Override
    public boolean isRemote() {
        return false;
    }

    @Override
    public String toString() {
        return new String(traceparent, StandardCharsets.US_ASCII);
    }
}
