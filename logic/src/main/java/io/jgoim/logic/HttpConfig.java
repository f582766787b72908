package io.jgoim.logic;

import io.jgoim.common.config.Checks;
import io.jgoim.common.http.access.ApiKeySpec;

import java.time.Duration;
import java.util.List;

/**
 * The push API listener, the limits that keep one client from holding it, and who may call it: {@code apiKeys}
 * (empty = an open API, allowed only on a loopback {@code bind} unless {@code allowOpen}).
 */
public record HttpConfig(boolean enabled, String bind, int port, int maxBodyBytes, int maxRequestLineBytes,
                         int maxPipelinedRequests,
                         int ioThreads, Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout,
                         int maxConnectionsPerIp, boolean allowOpen, List<ApiKey> apiKeys,
                         AdminCometsConfig adminComets, DemoConfig demo) {
    public HttpConfig {
        Checks.notNull(adminComets, "http.adminComets");
        Checks.notNull(demo, "http.demo");
        Checks.notBlank(bind, "http.bind");
        Checks.port(port, "http.port");
        Checks.positive(maxBodyBytes, "http.maxBodyBytes");
        Checks.check(maxRequestLineBytes >= 4096 && maxRequestLineBytes <= 1 << 20,
                "http.maxRequestLineBytes must be within 4096..1048576, was " + maxRequestLineBytes);
        Checks.check(maxPipelinedRequests >= 2 && maxPipelinedRequests <= 1 << 20,
                "http.maxPipelinedRequests must be within 2..1048576, was " + maxPipelinedRequests);
        Checks.nonNegative(ioThreads, "http.ioThreads");
        Checks.positive(headerTimeout, "http.headerTimeout");
        Checks.positive(bodyTimeout, "http.bodyTimeout");
        Checks.positive(idleTimeout, "http.idleTimeout");
        Checks.positive(maxConnectionsPerIp, "http.maxConnectionsPerIp");
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
        ApiKeySpec.validateAll("http.apiKeys", apiKeys);
    }
}
