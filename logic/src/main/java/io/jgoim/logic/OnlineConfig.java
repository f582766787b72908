package io.jgoim.logic;

import io.jgoim.common.config.Checks;

import java.time.Duration;

/** Cluster online counts. */
public record OnlineConfig(Duration aggregateInterval, Duration reportTtl) {
    public OnlineConfig {
        Checks.positive(aggregateInterval, "online.aggregateInterval");
        Checks.positive(reportTtl, "online.reportTtl");
    }
}
