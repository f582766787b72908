package io.jgoim.common.tls;

import io.jgoim.common.config.Checks;

/**
 * TLS of one node-internal caller (comet's channel to logic, job's channels to comets). Off by default. When on, the
 * peer's certificate must chain to {@code caFile} (PEM trust anchors; empty = the JVM's default trust store) and name
 * the host dialled, or {@code serverName} when set (one name for every peer, e.g. all comets share a certificate for
 * {@code comet.internal} while the registry publishes IP addresses). {@code certFile} + {@code keyFile} (PEM, PKCS#8
 * unencrypted) are this node's client certificate, presented when the server asks (mutual TLS); both or neither.
 */
public record TlsClientConfig(boolean enabled, String caFile, String certFile, String keyFile, String serverName) {
    /** TLS off. */
    public static final TlsClientConfig OFF = new TlsClientConfig(false, "", "", "", "");

    public TlsClientConfig {
        caFile = caFile == null ? "" : caFile.trim();
        certFile = certFile == null ? "" : certFile.trim();
        keyFile = keyFile == null ? "" : keyFile.trim();
        serverName = serverName == null ? "" : serverName.trim();
        if (enabled) {
            Checks.check(certFile.isEmpty() == keyFile.isEmpty(), "certFile and keyFile must be given together (the "
                    + "client certificate for mutual TLS), or both left empty");
            TlsFiles.optional(caFile, "caFile");
            TlsFiles.optional(certFile, "certFile");
            TlsFiles.optional(keyFile, "keyFile");
        }
    }

    /** True when this caller presents a certificate (mutual TLS). */
    public boolean hasClientCert() {
        return !certFile.isEmpty();
    }
}
