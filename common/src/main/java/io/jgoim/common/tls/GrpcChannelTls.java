package io.jgoim.common.tls;

import io.grpc.netty.NegotiationType;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;

/**
 * How a node's gRPC channels to its peers are secured: plaintext, or TLS with the context built once from a
 * {@link TlsClientConfig} and shared by every channel (job opens one per comet as comets join). Immutable.
 */
public final class GrpcChannelTls {
    private final SslContext context;
    private final String serverName;

    private GrpcChannelTls(SslContext context, String serverName) {
        this.context = context;
        this.serverName = serverName;
    }

    /** Reads the files of {@code tls} (when on); {@code key} names the section in errors, e.g. {@code logic.tls}. */
    public static GrpcChannelTls of(TlsClientConfig tls, String key) {
        return new GrpcChannelTls(NodeSslContexts.grpcClient(tls, key), tls.serverName());
    }

    public boolean enabled() {
        return context != null;
    }

    /** Sets {@code b} to plaintext or to TLS (checking {@code serverName} instead of the dialled host when set). */
    public NettyChannelBuilder apply(NettyChannelBuilder b) {
        if (context == null) {
            return b.usePlaintext();
        }
        b.negotiationType(NegotiationType.TLS).sslContext(context);
        if (!serverName.isEmpty()) {
            b.overrideAuthority(serverName);
        }
        return b;
    }
}
