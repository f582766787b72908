package io.jgoim.loadtest;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import javax.net.ssl.SSLException;

/**
 * The load tool's client TLS context: it accepts any certificate, since a load tool measures, it does not
 * authenticate servers. One per {@link SessionFleet} of a TLS run, shared by its clients.
 */
final class InsecureClientTls {
    private InsecureClientTls() {
    }

    static SslContext newContext() {
        try {
            return SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build a client TLS context", e);
        }
    }
}
