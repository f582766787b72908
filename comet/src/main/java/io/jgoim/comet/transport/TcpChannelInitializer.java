package io.jgoim.comet.transport;

import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.limit.ClientIp;
import io.jgoim.comet.session.HandshakeHandler;
import io.jgoim.comet.session.SessionHandler;
import io.jgoim.comet.session.SessionServices;
import io.jgoim.protocol.ProtoFrameCodec;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;

/**
 * Builds the pipeline of a goim TCP connection: [PROXY header] → [TLS] → frame codec → handshake → session, once
 * the {@link ConnectGate} admitted it (a refused one gets the refusal alone). The codec turns the byte
 * stream into frames first, so the handshake and session handlers are the same as WebSocket's; it encodes replies
 * too (one handler, not a decoder and an encoder: each pipeline context costs an idle session about 100 bytes).
 * Shared by all accepted channels; the handlers it adds are per channel.
 * The accepted channel's local address is swapped for the listener's shared one first ({@link SharedLocalAddress}).
 */
public final class TcpChannelInitializer extends ChannelInitializer<Channel> {
    private final SessionServices services;
    private final SslContext ssl;
    private final ConnectGate gate;
    private final SharedLocalAddress localAddress = new SharedLocalAddress();

    /** @param ssl the server TLS context, or null for plain TCP */
    public TcpChannelInitializer(SessionServices services, SslContext ssl) {
        this.services = services;
        this.ssl = ssl;
        this.gate = new ConnectGate(services.limits(), services.config().proxy(), false, ssl != null);
    }

    @Override
    protected void initChannel(Channel ch) {
        localAddress.share(ch);
        ChannelPipeline p = ch.pipeline();
        ClientIp client = new ClientIp(services.limits(), ch.remoteAddress());
        if (gate.admit(ch, client) == ConnectGate.Verdict.REFUSED) {
            return;
        }
        if (ssl != null) {
            p.addLast(PipelineNames.TLS, ssl.newHandler(ch.alloc()));
        }
        SessionHandler session = new SessionHandler(services, SessionTransport.TCP);
        p.addLast(PipelineNames.FRAME, new ProtoFrameCodec(services.config().protocol().maxBodyBytes(), true));
        p.addLast(PipelineNames.HANDSHAKE, new HandshakeHandler(services, session, client));
        p.addLast(PipelineNames.SESSION, session);
    }
}
