package io.jgoim.logic.http;

import io.jgoim.common.http.access.ApiScope;
import io.jgoim.common.metrics.HistogramBuckets;
import io.jgoim.protocol.ErrorCode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code jgoim.logic.api.requests}: a timer per route tag ({@link Route#tag()} or {@link Route#OTHER_TAG}) and
 * result code, with {@link HistogramBuckets#call} buckets (21, 100 µs to 10 s). Timers are created on first use and
 * cached, so recording builds no strings. Thread-safe: recorded from the event loop and from Redis and Kafka threads.
 */
final class ApiMetrics {
    private final MeterRegistry registry;
    /** route tag → timers by ErrorCode ordinal. */
    private final Map<String, Timer[]> timers = new ConcurrentHashMap<>();

    /**
     * Registers the push routes' success timers at once, so the push rate and latency the dashboard and alerts read
     * are series from the start; every other route (reads, admin, {@code other}) and every error code gets its timer
     * on first use. A histogram a route never fills is 19 lines of zeros on every scrape: the 14 read and admin
     * routes at zero were 266 of a standalone server's lines.
     */
    ApiMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Route r : Route.values()) {
            if (r.scope() == ApiScope.PUSH) {
                timer(r.tag(), ErrorCode.OK);
            }
        }
    }

    void record(String routeTag, ErrorCode code, long startNanos) {
        timer(routeTag, code).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    private Timer timer(String routeTag, ErrorCode code) {
        Timer[] byCode = timers.computeIfAbsent(routeTag, r -> new Timer[ErrorCode.values().length]);
        Timer t = byCode[code.ordinal()];
        if (t == null) {
            // Racing threads get the same meter back from the registry; the slot write is idempotent.
            t = HistogramBuckets.call(Timer.builder("jgoim.logic.api.requests")
                    .description("HTTP API requests by route and result code")
                    .tag("route", routeTag).tag("code", Integer.toString(code.code()))).register(registry);
            byCode[code.ordinal()] = t;
        }
        return t;
    }
}
