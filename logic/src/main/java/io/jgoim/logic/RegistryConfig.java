package io.jgoim.logic;

import io.jgoim.common.config.Checks;

import java.time.Duration;

/** This logic node's entry in the logic-node registry comets balance over. */
public record RegistryConfig(boolean enabled, Duration refreshInterval, Duration ttl) {
    public RegistryConfig {
        Checks.positive(refreshInterval, "grpc.registry.refreshInterval");
        Checks.positive(ttl, "grpc.registry.ttl");
        Checks.check(ttl.compareTo(refreshInterval) > 0, "grpc.registry.ttl must be longer than refreshInterval");
    }
}
