package io.jgoim.common.http;

import io.jgoim.common.logging.ClientText;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

import java.util.List;

/**
 * What RFC 9112 asks of a server about a request's framing and target that Netty's decoder leaves to it, for every
 * jgoim HTTP listener (logic's API, the admin ports, the comet's WebSocket upgrade). Stateless.
 */
public final class RequestFraming {
    private RequestFraming() {
    }

    /**
     * Why {@code req}, though Netty read it, is not served, or null: a transfer coding other than chunked ({@code gzip,
     * chunked} is read by Netty as chunked and its body would be taken as it came, still coded; {@code identity} or
     * {@code gzip} alone leave the body's length unknown), or an HTTP/1.1 request without exactly one {@code Host}
     * header (RFC 9112 3.2: answered 400), or an absolute-form target with an empty host ({@code http:///x}, RFC 9110
     * 4.2.1). The caller refuses it with 400 and closes the connection: a request framed
     * in a way the client and this server may read differently leaves no trusted start for the next one.
     */
    public static String problem(HttpRequest req) {
        List<String> codings = req.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        for (int i = 0; i < codings.size(); i++) {
            if (!"chunked".equalsIgnoreCase(codings.get(i).trim())) {
                return "Transfer-Encoding '" + ClientText.of(String.join(", ", codings), 64)
                        + "' is not supported: send a Content-Length or Transfer-Encoding: chunked";
            }
        }
        if (HttpVersion.HTTP_1_1.equals(req.protocolVersion())) {
            int hosts = req.headers().getAll(HttpHeaderNames.HOST).size();
            if (hosts != 1) {
                return "an HTTP/1.1 request needs exactly one Host header, it has " + hosts;
            }
        }
        String uri = req.uri();
        int scheme = schemeLength(uri);
        if (scheme > 0 && (uri.length() == scheme || "/?#".indexOf(uri.charAt(scheme)) >= 0)) {
            // RFC 9110 4.2.1: an http(s) URI with an empty host is invalid, and a recipient must reject it
            return "an absolute-form target needs a host: " + ClientText.of(uri, 64);
        }
        return null;
    }

    /** The length of {@code uri}'s {@code http://} or {@code https://} (any case), or -1. */
    private static int schemeLength(String uri) {
        return uri.regionMatches(true, 0, "http://", 0, 7) ? 7 : uri.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
    }

    /**
     * The origin form ({@code /path?query}) of an absolute-form request target ({@code http://host/path?query}),
     * which a server must accept (RFC 9112 3.2.2; RFC 6455 4.1 for an upgrade), or null when {@code uri} is not one.
     * The authority is dropped: nothing here serves by host.
     */
    public static String originForm(String uri) {
        int scheme = schemeLength(uri);
        if (scheme < 0) {
            return null;
        }
        for (int i = scheme; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '/') {
                return uri.substring(i);
            }
            if (c == '?' || c == '#') {
                return "/" + uri.substring(i);
            }
        }
        return "/";
    }
}
