package io.jgoim.logic;

import io.jgoim.common.config.Checks;
import io.jgoim.common.tls.TlsServerConfig;

import java.time.Duration;

/**
 * The Logic gRPC listener for comets ({@code tls}: see docs/operations.md, Security); a connection with no call
 * open for {@code maxConnectionIdle} is closed (GOAWAY), so one that only sent the HTTP/2 preface cannot hold a
 * socket for ever.
 */
public record GrpcConfig(boolean enabled, String bind, int port, TlsServerConfig tls, String advertise,
                         RegistryConfig registry, Duration maxConnectionIdle) {
    public GrpcConfig {
        Checks.positive(maxConnectionIdle, "grpc.maxConnectionIdle");
        Checks.notNull(tls, "grpc.tls");
        Checks.notBlank(bind, "grpc.bind");
        Checks.port(port, "grpc.port");
        advertise = advertise == null ? "" : advertise.trim();
        Checks.check(advertise.isEmpty() || advertise.lastIndexOf(':') > 0,
                "grpc.advertise must be host:port or empty, was '" + advertise + "'");
        Checks.notNull(registry, "grpc.registry");
    }
}
