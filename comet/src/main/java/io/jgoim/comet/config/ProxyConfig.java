package io.jgoim.comet.config;

import io.jgoim.common.config.Checks;

import java.util.List;

/**
 * Where the client's real address comes from when the comet stands behind load balancers (docs/operations.md,
 * "Overload and abuse"): the HAProxy PROXY protocol (v1 or v2) on every client listener when {@code protocol} is on,
 * accepted only from peers in {@code trustedProxies}; and the {@code X-Forwarded-For} header of WebSocket upgrades,
 * honoured only from peers in {@code forwardedForTrusted}. Both lists hold CIDRs ({@code 10.0.0.0/8},
 * {@code fd00::/8}) or single addresses.
 */
public record ProxyConfig(boolean protocol, List<String> trustedProxies, List<String> forwardedForTrusted) {
    public ProxyConfig {
        trustedProxies = List.copyOf(Checks.notNull(trustedProxies, "proxy.trustedProxies"));
        forwardedForTrusted = List.copyOf(Checks.notNull(forwardedForTrusted, "proxy.forwardedForTrusted"));
        CidrList.parse(trustedProxies, "proxy.trustedProxies");
        CidrList.parse(forwardedForTrusted, "proxy.forwardedForTrusted");
        Checks.check(!protocol || !trustedProxies.isEmpty(),
                "proxy.trustedProxies must list the load balancers when proxy.protocol is on");
    }

    /** {@link #trustedProxies} parsed (valid: the constructor checked it). */
    public CidrList trustedProxyList() {
        return CidrList.parse(trustedProxies, "proxy.trustedProxies");
    }

    /** {@link #forwardedForTrusted} parsed. */
    public CidrList forwardedForList() {
        return CidrList.parse(forwardedForTrusted, "proxy.forwardedForTrusted");
    }
}
