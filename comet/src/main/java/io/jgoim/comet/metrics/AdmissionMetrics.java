package io.jgoim.comet.metrics;

import io.jgoim.common.metrics.HistogramBuckets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.function.IntSupplier;

/**
 * The meters of the auth path's admission: the logic Connect round trip, refused auths, and the places among the
 * Connects waiting for logic (pending, adaptive limit, auths waiting, waited, shed). Registered once per comet by
 * {@link CometMetrics}; thread-safe (Micrometer counters are striped adders, the gauges read on scrape).
 */
public final class AdmissionMetrics {
    private final MeterRegistry registry;
    private final Timer authLatency;
    private final Counter authFailures;
    private final Counter connectsShed;
    private final Counter connectsWaited;

    public AdmissionMetrics(MeterRegistry registry) {
        this.registry = registry;
        authLatency = HistogramBuckets.call(Timer.builder("jgoim_comet_auth_latency")
                .description("logic Connect round trip at auth")).register(registry);
        connectsShed = Counter.builder("jgoim_comet_connects_shed")
                .description("auths refused (4004) because the adaptive bound of Connects waiting for logic "
                        + "(jgoim_comet_connects_limit, at most protocol.maxPendingConnects) was reached and no "
                        + "place came within protocol.connectWait (or the queue of protocol.maxWaitingConnects was "
                        + "full)").register(registry);
        connectsWaited = Counter.builder("jgoim_comet_connects_waited")
                .description("auths that found every place among the Connects sent to logic taken and waited for one "
                        + "(placed or not)").register(registry);
        authFailures = Counter.builder("jgoim_comet_auth_failures").description("auth refused or failed")
                .register(registry);
    }

    public Timer authLatency() {
        return authLatency;
    }

    public void authFailed() {
        authFailures.increment();
    }

    /** Registers the gauge of Connects waiting for logic; the admission that counts them calls this once. */
    public void connectsPending(IntSupplier pending) {
        Gauge.builder("jgoim_comet_connects_pending", pending::getAsInt)
                .description("Connects waiting for logic's answer").register(registry);
    }

    /** Registers the gauge of the adaptive bound on Connects waiting for logic; its admission calls this once. */
    public void connectsLimit(IntSupplier limit) {
        Gauge.builder("jgoim_comet_connects_limit", limit::getAsInt)
                .description("Connects that may wait for logic at once now (adaptive, at most "
                        + "protocol.maxPendingConnects)").register(registry);
    }

    /** Registers the gauge of auths waiting for a place among the Connects sent to logic; called once. */
    public void connectsWaiting(IntSupplier waiting) {
        Gauge.builder("jgoim_comet_connects_waiting", waiting::getAsInt)
                .description("auths waiting for a place among the Connects sent to logic (at most "
                        + "protocol.maxWaitingConnects, each at most protocol.connectWait)").register(registry);
    }

    /** An auth was refused because the adaptive bound of Connects waiting for logic was reached and stayed so. */
    public void connectShed() {
        connectsShed.increment();
    }

    /** An auth found every place taken and waits for one. */
    public void connectWaited() {
        connectsWaited.increment();
    }

    public double connectsWaited() {
        return connectsWaited.count();
    }

    public double connectsShed() {
        return connectsShed.count();
    }
}
