package io.jgoim.common.tracing;

import io.jgoim.common.config.Checks;

import java.time.Duration;
import java.util.Locale;

/**
 * The {@code tracing:} section of every node's config. Off by default: a node without it creates no span and adds
 * no header (see {@link Tracing#off()}). Bound by {@link io.jgoim.common.config.ConfigLoader}; validated here.
 *
 * @param enabled       true to record and export spans
 * @param exporter      {@code otlp} (OTLP over HTTP/protobuf, e.g. {@code http://collector:4318/v1/traces}) or
 *                      {@code zipkin} (Zipkin v2 JSON, e.g. {@code http://zipkin:9411/api/v2/spans})
 * @param endpoint      where spans are sent; required when enabled
 * @param samplingRatio share of new traces recorded (0..1); a caller's sampled {@code traceparent} is always honoured
 * @param maxQueueSize  spans waiting for export at most; beyond it spans are dropped (and counted), never blocking
 * @param exportTimeout how long one export may take before it counts as failed (its spans dropped)
 */
public record TracingConfig(boolean enabled, String exporter, String endpoint, double samplingRatio,
                            int maxQueueSize, Duration exportTimeout) {
    public static final String OTLP = "otlp";
    public static final String ZIPKIN = "zipkin";

    public TracingConfig {
        exporter = exporter == null ? OTLP : exporter.toLowerCase(Locale.ROOT);
        Checks.check(OTLP.equals(exporter) || ZIPKIN.equals(exporter),
                "tracing.exporter must be otlp or zipkin, was " + exporter);
        endpoint = endpoint == null ? "" : endpoint.trim();
        Checks.check(!enabled || endpoint.startsWith("http://") || endpoint.startsWith("https://"),
                "tracing.endpoint must be an http:// or https:// URL when tracing.enabled, was '" + endpoint + "'");
        Checks.check(samplingRatio >= 0 && samplingRatio <= 1,
                "tracing.samplingRatio must be within 0..1, was " + samplingRatio);
        Checks.positive(maxQueueSize, "tracing.maxQueueSize");
        Checks.positive(exportTimeout, "tracing.exportTimeout");
    }

    /** Tracing off (the default of every node). */
    public static TracingConfig off() {
        return new TracingConfig(false, OTLP, "", 0.01, 2048, Duration.ofSeconds(5));
    }
}
