package io.jgoim.comet.transport;

import io.jgoim.common.http.HttpResponses;
import io.jgoim.common.http.LingeringClose;
import io.jgoim.common.http.RequestFraming;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

import java.util.List;

/**
 * Refuses an upgrade request the WebSocket listener cannot read as RFC 6455 asks, before Netty's upgrade handler
 * sees it: one Netty could not decode (a bad request line, header or Content-Length, a head over the codec's limits)
 * gets 400, since Netty passes such a request on with the headers read so far and would upgrade or misroute it; a
 * request line naming a version other than HTTP/1.1 gets 505 (an upgrade needs HTTP/1.1); one without exactly one
 * {@code Host} header (RFC 6455 4.1, RFC 9112 3.2) or with a {@code Transfer-Encoding} other than chunked 400
 * ({@link RequestFraming}); an absolute-form target ({@code http://host/sub}) is taken by its path; a GET on the
 * WebSocket path whose {@code Sec-WebSocket-Version} is not 13 gets 426 with {@code Sec-WebSocket-Version: 13} (RFC 6455 4.2.2;
 * Netty would otherwise speak the drafts 00, 07 or 08), another method on that path 400, and a GET on it without
 * {@code Upgrade: websocket}, a {@code Connection} token {@code upgrade} or a {@code Sec-WebSocket-Key} 400 naming
 * what is missing (the comet serves nothing but the upgrade there; Netty's own 400 had neither Content-Length nor
 * Connection: close), or whose key is not the base64 of 16 bytes, or with two keys or two versions, 400 (RFC 6455
 * 4.2.1, 11.3: Netty took any key, and the first of two headers, and upgraded). Each answer is plain text with
 * Content-Length and Connection: close, and ends the connection
 * with a lingering close ({@link LingeringClose}). The first request it passes ends the HTTP phase (upgraded or
 * answered), so it leaves the pipeline then. One instance per listener, shared by its channels; stateless.
 */
@ChannelHandler.Sharable
final class UpgradeRequestCheck extends ChannelInboundHandlerAdapter {
    private static final String WEBSOCKET_VERSION = "13";
    /** The length of the base64 of 16 bytes. */
    private static final int KEY_LENGTH = 24;

    private final String path;

    /** @param path the listener's WebSocket path ({@code webSocket.path}) */
    UpgradeRequestCheck(String path) {
        this.path = path;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpRequest)) {
            ctx.fireChannelRead(msg);
            return;
        }
        HttpRequest req = (HttpRequest) msg;
        FullHttpResponse refusal = refusal(req);
        if (refusal == null) {
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
            return;
        }
        ReferenceCountUtil.release(msg);
        refusal.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        RefusedRequest.answer(ctx, refusal);
    }

    /** The answer to {@code req}, or null when it may go on to the upgrade (or the 403/404 refusals behind). */
    private FullHttpResponse refusal(HttpRequest req) {
        if (req.decoderResult().isFailure()) {
            return HttpResponses.text(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request\n");
        }
        HttpVersion version = req.protocolVersion();
        if (version.majorVersion() != 1 || version.minorVersion() != 1) {
            return HttpResponses.text(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
                    "HTTP version " + version.text() + " not supported: use HTTP/1.1\n");
        }
        String framing = RequestFraming.problem(req);
        if (framing != null) {
            return HttpResponses.text(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request: " + framing + "\n");
        }
        String origin = RequestFraming.originForm(req.uri());
        if (origin != null) {
            req.setUri(origin); // RFC 6455 4.1: an absolute http(s) URI names the resource by its path
        }
        if (path.equals(req.uri()) && !HttpMethod.GET.equals(req.method())) {
            // Netty's handshaker would pick a draft by the version header first, and for a version it does not
            // know answer 426 and leave the connection open (a second answer, 408, came at the deadline)
            return HttpResponses.text(HttpResponseStatus.BAD_REQUEST,
                    "method " + req.method() + " not allowed: a WebSocket upgrade is a GET\n");
        }
        if (path.equals(req.uri())
                && !req.headers().contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            // a plain GET (a browser opening the URL, a health check): not an upgrade at all, so not a version
            // question (RFC 6455 4.2.1: 400), where the 426 below told it "Sec-WebSocket-Version must be 13"
            return HttpResponses.text(HttpResponseStatus.BAD_REQUEST,
                    "not a WebSocket upgrade: the request needs the header Upgrade: websocket\n");
        }
        // RFC 6455 11.3.5: given once in a request (Netty reads the first and upgrades)
        if (path.equals(req.uri()) && req.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_VERSION).size() > 1) {
            return HttpResponses.text(HttpResponseStatus.BAD_REQUEST,
                    "not a WebSocket upgrade: Sec-WebSocket-Version given twice\n");
        }
        if (path.equals(req.uri())
                && !WEBSOCKET_VERSION.equals(req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
            FullHttpResponse r = HttpResponses.text(HttpResponseStatus.UPGRADE_REQUIRED,
                    "Sec-WebSocket-Version must be 13\n");
            r.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, WEBSOCKET_VERSION);
            return r;
        }
        if (path.equals(req.uri())) {
            String missing = missingUpgradeHeader(req.headers());
            if (missing != null) {
                // Netty's handshaker would answer its own 400, without Content-Length or Connection: close
                return HttpResponses.text(HttpResponseStatus.BAD_REQUEST,
                        "not a WebSocket upgrade: " + missing + "\n");
            }
        }
        return null;
    }

    /**
     * What a version-13 upgrade request lacks, as RFC 6455 4.2.1 and Netty's handshaker (whose checks these are, so
     * none of its own refusals is left) read it; null when nothing.
     */
    private static String missingUpgradeHeader(HttpHeaders h) {
        if (!h.contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            return "the request needs the header Upgrade: websocket";
        }
        if (!h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            return "the request needs a Connection header with the token upgrade";
        }
        List<String> keys = h.getAll(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        if (keys.isEmpty() || keys.get(0).isEmpty()) {
            return "the request needs a Sec-WebSocket-Key header";
        }
        // RFC 6455 4.2.1 and 11.3.1: Netty takes any key, the first of two, and upgrades
        if (keys.size() > 1 || !isKey(keys.get(0))) {
            return "the Sec-WebSocket-Key must be given once, the base64 of 16 bytes";
        }
        return null;
    }

    /**
     * {@code key} is a {@code Sec-WebSocket-Key} RFC 6455 4.2.1 accepts: the base64 of 16 bytes, so 22 characters of
     * the base64 alphabet and the padding {@code ==}; white space around it is no part of it (the caller trims).
     */
    static boolean isKey(CharSequence key) {
        if (key.length() != KEY_LENGTH || key.charAt(KEY_LENGTH - 2) != '=' || key.charAt(KEY_LENGTH - 1) != '=') {
            return false;
        }
        for (int i = 0; i < KEY_LENGTH - 2; i++) {
            char c = key.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/')) {
                return false;
            }
        }
        return true;
    }
}
