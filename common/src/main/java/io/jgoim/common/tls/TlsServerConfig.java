package io.jgoim.common.tls;

import io.jgoim.common.config.Checks;

/**
 * TLS of one node-internal listener (a gRPC server or the admin HTTP port). Off by default, so a cluster keeps talking
 * plaintext until an operator turns it on. When on, {@code certFile} (PEM certificate chain) and {@code keyFile} (PEM
 * PKCS#8 key, unencrypted) must be readable; {@code caFile} (PEM trust anchors) verifies client certificates:
 * required when {@code requireClientCert} (mutual TLS), else a certificate a client offers is checked against it and
 * clients without one are still served. The files are read once, at start; a new certificate takes a restart.
 */
public record TlsServerConfig(boolean enabled, String certFile, String keyFile, String caFile,
                              boolean requireClientCert) {
    /** TLS off: what a node runs with when its section names no {@code tls}. */
    public static final TlsServerConfig OFF = new TlsServerConfig(false, "", "", "", false);

    public TlsServerConfig {
        certFile = certFile == null ? "" : certFile.trim();
        keyFile = keyFile == null ? "" : keyFile.trim();
        caFile = caFile == null ? "" : caFile.trim();
        if (enabled) {
            TlsFiles.required(certFile, "certFile");
            TlsFiles.required(keyFile, "keyFile");
            if (requireClientCert) {
                Checks.check(!caFile.isEmpty(), "caFile is required when requireClientCert is true (the trust "
                        + "anchors client certificates must chain to)");
            }
            TlsFiles.optional(caFile, "caFile");
        }
    }

    /** True when a client certificate is asked for (verified against {@code caFile}). */
    public boolean verifiesClients() {
        return enabled && !caFile.isEmpty();
    }
}
