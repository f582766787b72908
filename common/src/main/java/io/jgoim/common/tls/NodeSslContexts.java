package io.jgoim.common.tls;

import io.grpc.netty.GrpcSslContexts;
import io.jgoim.common.config.ConfigException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import java.io.File;

/**
 * Builds the Netty TLS contexts of the node-internal links from their config records: for gRPC servers and channels
 * (HTTP/2 over ALPN, through {@link GrpcSslContexts}: OpenSSL when netty-tcnative loads, else the JDK) and for the
 * admin HTTP port. Each returns {@code null} when the section has TLS off, which {@code NettyServerBuilder.sslContext}
 * and {@code MetricsHttpServer} take as plaintext. Called once per listener or client at start; a context is
 * immutable and shared by all its connections. A file that exists but does not parse fails here with a
 * {@link ConfigException} naming the section ({@code key}).
 */
public final class NodeSslContexts {
    private NodeSslContexts() {
    }

    /** The context of a gRPC server, or null when {@code tls} is off. */
    public static SslContext grpcServer(TlsServerConfig tls, String key) {
        return tls.enabled() ? build(key, () -> trustClients(GrpcSslContexts.configure(forServer(tls)), tls)) : null;
    }

    /** The context of a gRPC channel, or null when {@code tls} is off. */
    public static SslContext grpcClient(TlsClientConfig tls, String key) {
        if (!tls.enabled()) {
            return null;
        }
        return build(key, () -> {
            SslContextBuilder b = GrpcSslContexts.forClient();
            if (!tls.caFile().isEmpty()) {
                b.trustManager(new File(tls.caFile()));
            }
            if (tls.hasClientCert()) {
                b.keyManager(new File(tls.certFile()), new File(tls.keyFile()));
            }
            return b;
        });
    }

    /** The context of an HTTP/1.1 server (the admin port), or null when {@code tls} is off. */
    public static SslContext httpServer(TlsServerConfig tls, String key) {
        return tls.enabled() ? build(key, () -> trustClients(forServer(tls), tls)) : null;
    }

    private static SslContextBuilder forServer(TlsServerConfig tls) {
        return SslContextBuilder.forServer(new File(tls.certFile()), new File(tls.keyFile()));
    }

    private static SslContextBuilder trustClients(SslContextBuilder b, TlsServerConfig tls) {
        if (tls.verifiesClients()) {
            b.trustManager(new File(tls.caFile()))
                    .clientAuth(tls.requireClientCert() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
        }
        return b;
    }

    /** Netty reads the PEM files while the builder is set up and again in build(): both can refuse them. */
    private interface Setup {
        SslContextBuilder builder() throws Exception;
    }

    private static SslContext build(String key, Setup setup) {
        try {
            return setup.builder().build();
        } catch (Exception e) {
            // Bad PEM surfaces as IllegalArgumentException or SSLException, with the parser's error as the cause.
            throw new ConfigException(key + ": cannot use the certificate, key or CA files: " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
    }
}
