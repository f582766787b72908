package io.jgoim.common.health;

import io.jgoim.common.config.Checks;

import java.time.Duration;
import java.util.Map;

/**
 * The {@code health} section shared by every node: how often each dependency is probed and how long a probe may take,
 * how long the liveness check waits for the event loops, and the grace per dependency name: how long a dependency
 * that was up may be down before the node reports not ready (so one blip does not take every node out of its load
 * balancer at once). Which names a node knows is checked by the node's config.
 */
public record HealthConfig(Duration probeInterval, Duration probeTimeout, Duration liveTimeout,
                           Map<String, Duration> grace) {
    public HealthConfig {
        Checks.positive(probeInterval, "health.probeInterval");
        Checks.positive(probeTimeout, "health.probeTimeout");
        Checks.positive(liveTimeout, "health.liveTimeout");
        Checks.notNull(grace, "health.grace");
        grace.forEach((name, d) -> Checks.check(d != null && !d.isNegative(), "health.grace." + name
                + " must be >= 0"));
        grace = Map.copyOf(grace);
    }

    /** The grace of {@code dependency}; throws naming the key when the node's defaults do not define it. */
    public Duration graceOf(String dependency) {
        Duration d = grace.get(dependency);
        if (d == null) {
            throw new IllegalArgumentException("health.grace." + dependency + " is not configured");
        }
        return d;
    }

    /** Fails with a config error when {@code grace} names a dependency this node does not have. */
    public void requireKnown(java.util.Set<String> known) {
        for (String name : grace.keySet()) {
            Checks.check(known.contains(name), "health.grace." + name + " names no dependency of this node (known: "
                    + known + ")");
        }
    }
}
