package io.jgoim.logic.auth;

import io.jgoim.common.config.Checks;
import io.jgoim.logic.backend.BackendConfig;

import java.time.Duration;

/**
 * {@code auth.connectProxy}: instead of checking tokens itself, logic POSTs each Connect to {@code url} and the
 * backend allows (member, room, accepts) or refuses. {@code timeout} bounds the call (no answer: the client is told
 * to retry, LOGIC_UNAVAILABLE 4004); keep it below comet's {@code protocol.logicTimeout}. At most
 * {@code maxInFlight} calls wait at once on this node, over at most {@code maxConnections} keep-alive connections
 * (more calls than connections wait for a free one); a decision larger than {@code maxReplyBytes} is refused as
 * malformed. No retries (but a stale keep-alive connection, closed by the backend before it answered, is replaced
 * once): the client's reconnect is the retry.
 */
public record ConnectProxyConfig(boolean enabled, String url, Duration timeout, Duration connectTimeout,
                                 int maxInFlight, int maxConnections, int maxReplyBytes) {
    public ConnectProxyConfig {
        url = url == null ? "" : url.trim();
        if (enabled) {
            BackendConfig.url(url, "auth.connectProxy.url");
        }
        Checks.positive(timeout, "auth.connectProxy.timeout");
        Checks.positive(connectTimeout, "auth.connectProxy.connectTimeout");
        Checks.positive(maxInFlight, "auth.connectProxy.maxInFlight");
        Checks.positive(maxConnections, "auth.connectProxy.maxConnections");
        Checks.positive(maxReplyBytes, "auth.connectProxy.maxReplyBytes");
    }

    /** The HTTP client settings. */
    public BackendConfig backend() {
        return new BackendConfig(timeout, connectTimeout, 0, maxInFlight, maxConnections, maxReplyBytes);
    }
}
