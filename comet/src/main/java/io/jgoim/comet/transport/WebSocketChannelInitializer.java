package io.jgoim.comet.transport;

import io.jgoim.comet.config.CometConfig;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.limit.ClientIp;
import io.jgoim.comet.session.HandshakeHandler;
import io.jgoim.comet.session.SessionHandler;
import io.jgoim.comet.session.SessionServices;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;

/**
 * Builds the pipeline of a WebSocket connection, once the {@link ConnectGate} admitted it: [PROXY header] → [TLS] →
 * HTTP codec → aggregator (413 and close for a body over 8 KiB) → request check (400/505/426 for a request that is not a readable HTTP/1.1 version-13
 * upgrade: {@link UpgradeRequestCheck}) → [X-Forwarded-For from a trusted proxy] → Origin check (403 for an origin
 * not in {@code webSocket.allowedOrigins}) → WebSocket upgrade on the configured path (other paths get 404) → binary
 * message ↔ frame codec → handshake → session. After the upgrade Netty drops the HTTP handlers, and
 * {@link WsSessionCodec} removes the Origin check, the 404 responder and Netty's protocol handler (whose work on an
 * open WebSocket it takes over), so a session carries only Netty's WebSocket frame decoder and our handlers. One
 * initializer per listener (WebSocket or WSS), shared by its channels. The accepted channel's local address is
 * swapped for the listener's shared one first ({@link SharedLocalAddress}).
 */
public final class WebSocketChannelInitializer extends ChannelInitializer<Channel> {
    /** Largest HTTP upgrade request accepted. */
    static final int MAX_UPGRADE_REQUEST_BYTES = 8192;

    private final SessionServices services;
    private final SslContext ssl;
    private final WebSocketServerProtocolConfig wsConfig;
    private final OriginCheckHandler originCheck;
    private final UpgradeRequestCheck requestCheck;
    private final ConnectGate gate;
    private final SharedLocalAddress localAddress = new SharedLocalAddress();

    /** @param ssl the server TLS context, or null for plain WebSocket */
    public WebSocketChannelInitializer(SessionServices services, SslContext ssl) {
        this.services = services;
        this.ssl = ssl;
        CometConfig.WebSocketConfig ws = services.config().webSocket();
        this.gate = ws.refusesInCloseFrame()
                ? new ConnectGate(services.limits(), services.config().proxy(), true, ssl != null, ws.path(),
                        ws.originAllowList(), services.config().protocol().handshakeTimeout().toNanos())
                : new ConnectGate(services.limits(), services.config().proxy(), true, ssl != null);
        this.requestCheck = new UpgradeRequestCheck(ws.path());
        this.originCheck = new OriginCheckHandler(services.config().webSocket().originAllowList(),
                services.metrics());
        this.wsConfig = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(services.config().webSocket().path())
                .checkStartsWith(false)
                .handleCloseFrames(true)
                .dropPongFrames(true)
                // Our own handshake deadline (from accept) covers the upgrade; keep Netty's as a backstop.
                .handshakeTimeoutMillis(services.config().protocol().handshakeTimeout().toMillis() + 1000)
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(services.config().webSocket().maxFrameBytes())
                        .allowExtensions(false)
                        // Netty would answer a violation with its own close frame (1002/1009) from below our codec,
                        // and the close that follows would send 1000 first; the session handler answers instead,
                        // with the codes of docs/errors.md (CloseOutcome).
                        .closeOnProtocolViolation(false)
                        // goim frames travel in binary messages only (text is refused), so skip UTF-8 checking
                        // and the per-session validator handler it would add.
                        .withUTF8Validator(false)
                        .build())
                .build();
    }

    @Override
    protected void initChannel(Channel ch) {
        localAddress.share(ch);
        ChannelPipeline p = ch.pipeline();
        ClientIp client = new ClientIp(services.limits(), ch.remoteAddress());
        ConnectGate.Verdict verdict = gate.admit(ch, client);
        if (verdict == ConnectGate.Verdict.REFUSED) {
            return;
        }
        if (ssl != null) {
            p.addLast(PipelineNames.TLS, ssl.newHandler(ch.alloc()));
        }
        SessionHandler session = new SessionHandler(services, SessionTransport.WEBSOCKET);
        p.addLast(PipelineNames.HTTP, new HttpServerCodec());
        p.addLast(PipelineNames.WS_UPGRADE_TAIL, new UpgradeTail());
        p.addLast(PipelineNames.HTTP_AGGREGATOR, new UpgradeRequestAggregator(MAX_UPGRADE_REQUEST_BYTES));
        p.addLast(PipelineNames.WS_REQUEST_CHECK, requestCheck);
        if (verdict == ConnectGate.Verdict.AWAIT_FORWARDED_FOR) {
            p.addLast(PipelineNames.WS_FORWARDED_FOR, new ForwardedForHandler(gate, client));
        }
        p.addLast(PipelineNames.WS_ORIGIN, originCheck);
        p.addLast(PipelineNames.WS_PROTOCOL, new WebSocketServerProtocolHandler(wsConfig));
        p.addLast(PipelineNames.WS_NOT_FOUND, NotFoundHandler.INSTANCE);
        p.addLast(PipelineNames.WS_CODEC, new WsSessionCodec(services.config().protocol().maxBodyBytes()));
        p.addLast(PipelineNames.HANDSHAKE, new HandshakeHandler(services, session, client));
        p.addLast(PipelineNames.SESSION, session);
    }
}
