/** The comet's Micrometer meters, served as Prometheus text on the admin port's {@code /metrics}. */
package io.jgoim.comet.metrics;
