package io.jgoim.logic.backend;

import io.jgoim.common.config.Checks;

import java.net.URI;
import java.time.Duration;

/**
 * How logic calls one kind of backend over HTTP: {@code timeout} bounds each attempt from send to the last byte of
 * the reply, {@code retries} extra attempts after a connection failure, a timeout or a 502/503/504 (0 = none: a retry
 * can deliver a message twice), {@code maxInFlight} requests waiting at once on this logic node (more are refused at
 * once), {@code maxConnections} keep-alive connections open at most to one backend (scheme, host and port; more
 * requests in flight than connections wait for a free one, within {@code timeout}), {@code maxReplyBytes} the
 * largest reply body read.
 */
public record BackendConfig(Duration timeout, Duration connectTimeout, int retries, int maxInFlight,
                            int maxConnections, int maxReplyBytes) {
    public BackendConfig {
        Checks.positive(timeout, "timeout");
        Checks.positive(connectTimeout, "connectTimeout");
        Checks.check(retries >= 0 && retries <= 5, "retries must be within 0..5, was " + retries);
        Checks.positive(maxInFlight, "maxInFlight");
        Checks.positive(maxConnections, "maxConnections");
        Checks.positive(maxReplyBytes, "maxReplyBytes");
    }

    /** {@code url} parsed, or a {@link io.jgoim.common.config.ConfigException} naming {@code key}. */
    public static URI url(String url, String key) {
        Checks.check(url != null && (url.startsWith("http://") || url.startsWith("https://")),
                key + " must be an http:// or https:// URL, was '" + url + "'");
        try {
            URI u = URI.create(url);
            Checks.check(u.getHost() != null, key + " has no host: '" + url + "'");
            return u;
        } catch (IllegalArgumentException e) {
            Checks.check(false, key + " is not a URL: " + e.getMessage());
            return null;
        }
    }
}
