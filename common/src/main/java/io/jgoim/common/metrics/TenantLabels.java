package io.jgoim.common.metrics;

import io.jgoim.common.config.Checks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code tenants} section of comet and job (key {@code tenants.declared}, the same names as logic's): the values a
 * {@code tenant} label may take on their meters — {@code default}, each declared name, and {@code other} for a tenant
 * logic declared but this node was not told about (so the label set stays bounded whatever arrives). Comets and jobs
 * route by namespaced ids and need no tenant list to isolate; this list names their meters, which are all
 * registered at zero at start, and the {@code tenant} values a comet's admin routes accept. Immutable.
 *
 * @param declared the declared tenants' names ([a-z0-9-]{1,32}, not {@code default})
 */
public record TenantLabels(List<String> declared) {
    /** The default tenant's label. */
    public static final String DEFAULT = "default";
    /** The label of a tenant this node does not know. */
    public static final String OTHER = "other";

    public TenantLabels {
        declared = declared == null ? List.of() : List.copyOf(declared);
        for (String t : declared) {
            Checks.check(t != null && t.matches("[a-z0-9-]{1,32}") && !DEFAULT.equals(t) && !OTHER.equals(t),
                    "tenants.declared: '" + t + "' must match [a-z0-9-]{1,32} and be neither default nor other");
        }
        Checks.check(declared.stream().distinct().count() == declared.size(),
                "tenants.declared: names must be unique");
    }

    /** No declared tenant. */
    public static TenantLabels none() {
        return new TenantLabels(List.of());
    }

    /** Every label value: {@code default}, the declared names, {@code other}. */
    public List<String> labels() {
        List<String> out = new ArrayList<>(declared.size() + 2);
        out.add(DEFAULT);
        out.addAll(declared);
        out.add(OTHER);
        return out;
    }

    /**
     * One counter per label, registered now. {@link Counters#of} resolves a tenant's counter by its internal id
     * ("" = the default tenant): once per session or per push, never per delivery.
     */
    public Counters counters(MeterRegistry registry, String name, String description) {
        Map<String, Counter> byTenant = new HashMap<>();
        for (String label : labels()) {
            byTenant.put(DEFAULT.equals(label) ? "" : label, Counter.builder(name).tag("tenant", label)
                    .description(description).register(registry));
        }
        return new Counters(byTenant, byTenant.get(OTHER));
    }

    /** One up-down count per label, exported as a gauge, registered now. */
    public Gauges gauges(MeterRegistry registry, String name, String description) {
        Map<String, AtomicInteger> byTenant = new HashMap<>();
        for (String label : labels()) {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder(name, value, AtomicInteger::get).tag("tenant", label).description(description)
                    .register(registry);
            byTenant.put(DEFAULT.equals(label) ? "" : label, value);
        }
        return new Gauges(byTenant, byTenant.get(OTHER));
    }

    /** A tenant-labelled meter family: one {@code T} per label. Thread-safe (the map is not changed after start). */
    public static class ByTenant<T> {
        private final Map<String, T> byTenant;
        private final T other;

        private ByTenant(Map<String, T> byTenant, T other) {
            this.byTenant = byTenant;
            this.other = other;
        }

        /** The meter of {@code tenant} (an internal id, "" = default; an unknown one: {@code other}). */
        public T of(String tenant) {
            T c = byTenant.get(tenant);
            return c == null ? other : c;
        }
    }

    /** A tenant-labelled counter family. Thread-safe. */
    public static final class Counters extends ByTenant<Counter> {
        private Counters(Map<String, Counter> byTenant, Counter other) {
            super(byTenant, other);
        }
    }

    /** A tenant-labelled gauge family over up-down counts. Thread-safe. */
    public static final class Gauges extends ByTenant<AtomicInteger> {
        private Gauges(Map<String, AtomicInteger> byTenant, AtomicInteger other) {
            super(byTenant, other);
        }
    }
}
