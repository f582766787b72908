/**
 * TLS between nodes: the config records of a TLS listener ({@link io.jgoim.common.tls.TlsServerConfig}) and of a TLS
 * caller ({@link io.jgoim.common.tls.TlsClientConfig}), and the builders that turn them into Netty/gRPC TLS setups for
 * the internal links (comet ↔ logic, job → comet gRPC) and the admin HTTP port. Client-facing TLS (TCP+TLS, WSS) is
 * the comet's own ({@code comet.transport.TlsContexts}).
 */
package io.jgoim.common.tls;
