package io.jgoim.logic;

import io.jgoim.common.config.Checks;

import java.time.Duration;

/** Client reconnect backoff advice. */
public record BackoffConfig(Duration maxDelay, Duration baseDelay, double factor, double jitter) {
    public BackoffConfig {
        Checks.positive(maxDelay, "nodes.backoff.maxDelay");
        Checks.positive(baseDelay, "nodes.backoff.baseDelay");
        Checks.check(factor >= 1.0, "nodes.backoff.factor must be >= 1.0, was " + factor);
        Checks.check(jitter >= 0 && jitter <= 1, "nodes.backoff.jitter must be within 0..1, was " + jitter);
    }
}
