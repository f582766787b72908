package io.jgoim.comet.transport;

import io.jgoim.comet.config.CometConfig.TlsConfig;
import io.jgoim.common.config.ConfigException;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;

/**
 * Builds the server TLS context shared by the TCP+TLS and WSS listeners: OpenSSL through netty-tcnative when it
 * loads, the JDK provider otherwise (or as configured); the configured PEM certificate and key, or a self-signed
 * certificate for {@code localhost} generated at start when none is configured.
 */
public final class TlsContexts {
    private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);
    private static SelfSignedCertificate selfSigned;

    private TlsContexts() {
    }

    @SuppressWarnings("deprecation")
    public static SslContext server(TlsConfig tls) {
        SslProvider provider = provider(tls.provider());
        try {
            SslContextBuilder b;
            if (tls.selfSigned()) {
                SelfSignedCertificate cert = selfSigned();
                log.warn("no tls.certFile configured: using a generated self-signed certificate for localhost");
                b = SslContextBuilder.forServer(cert.certificate(), cert.privateKey());
            } else {
                b = SslContextBuilder.forServer(new File(tls.certFile()), new File(tls.keyFile()),
                        tls.keyPassword().isEmpty() ? null : tls.keyPassword());
            }
            SslContext ctx = b.sslProvider(provider).build();
            log.info("TLS provider {}", provider);
            return ctx;
        } catch (Exception e) {
            throw new ConfigException("tls: cannot build the server TLS context: " + e.getMessage(), e);
        }
    }

    /** One generated certificate per process: RSA key generation costs up to seconds on a busy machine. */
    @SuppressWarnings("deprecation")
    private static synchronized SelfSignedCertificate selfSigned() throws java.security.cert.CertificateException {
        if (selfSigned == null) {
            selfSigned = new SelfSignedCertificate("localhost");
        }
        return selfSigned;
    }

    private static SslProvider provider(String name) {
        switch (name) {
            case "jdk":
                return SslProvider.JDK;
            case "openssl":
                if (!OpenSsl.isAvailable()) {
                    throw new ConfigException("tls.provider is openssl but netty-tcnative is not available: "
                            + OpenSsl.unavailabilityCause());
                }
                return SslProvider.OPENSSL;
            default:
                return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        }
    }
}
