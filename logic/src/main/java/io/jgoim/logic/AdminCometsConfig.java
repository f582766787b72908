package io.jgoim.logic;

import io.jgoim.common.config.Checks;
import io.jgoim.common.tls.TlsClientConfig;

import java.time.Duration;

/**
 * How the cluster admin routes ({@code /goim/admin/kick}, sessions, presence, comet weight and drain) reach each
 * comet's gRPC {@code CometAdmin} service: a deadline per call and the TLS of the channels (as job's
 * {@code comet.tls}: the comets' {@code rpc.tls} server).
 */
public record AdminCometsConfig(Duration callDeadline, TlsClientConfig tls) {
    public AdminCometsConfig {
        Checks.positive(callDeadline, "http.adminComets.callDeadline");
        Checks.notNull(tls, "http.adminComets.tls");
    }
}
