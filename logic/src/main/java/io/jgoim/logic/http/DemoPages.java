package io.jgoim.logic.http;

import io.jgoim.protocol.ErrorCode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The live-comments demo page (docs/demo.md): static files under {@value #PREFIX} served from a classpath folder (the
 * jar's {@code jgoim/demo/}: the page, its script and style, and the TypeScript SDK's ES modules the build copies into
 * {@code sdk/}). Only what a page needs: GET, a fixed set of content types, names of plain ASCII segments. The checks
 * work on the raw request path, before any decoding, so no spelling of {@code ..} can leave the folder: a
 * percent-escape or a backslash anywhere, or a {@code .}/{@code ..} segment, is BAD_PARAMETER (400); a name that is
 * not a servable file (no known extension, a hidden file, a folder, a missing file) is NOT_FOUND (404); another
 * method is METHOD_NOT_ALLOWED (405, {@code Allow: GET, HEAD}); errors use the API's JSON shape. Files found are read once and kept (a few tens
 * of KiB in all); a missing name is looked up again each time, never remembered. Thread-safe.
 */
final class DemoPages {
    /** The route tag of its requests in {@code jgoim.logic.api.requests}. */
    static final String TAG = "demo";
    /** The path the pages live under. */
    public static final String PREFIX = "/demo";
    /** The jar's folder of the page. */
    public static final String ROOT = "jgoim/demo/";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "mjs", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "json", "application/json; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");
    /** A file or folder name: starts with a letter or digit (no hidden files), then letters, digits, . _ -. */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final int MAX_DEPTH = 3;
    /**
     * The page talks only to its own origin (the node list) and to the comets' WebSockets; nothing inline, nothing
     * from elsewhere.
     */
    private static final String CSP = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:;"
            + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final String root;
    private final ClassLoader loader;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();

    /** Serves the files under classpath folder {@code root} (ending in '/'; {@link #ROOT} in the product). */
    public DemoPages(String root) {
        this(root, DemoPages.class.getClassLoader());
    }

    DemoPages(String root, ClassLoader loader) {
        if (!root.endsWith("/")) {
            throw new IllegalArgumentException("root must end with '/': " + root);
        }
        this.root = root;
        this.loader = loader;
    }

    /** Whether {@code path} (decoded or raw) is this route's. */
    public static boolean handles(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    /** A reply and its result code (OK for a file or the redirect). */
    record Served(ErrorCode code, FullHttpResponse response) {
    }

    /**
     * The reply to {@code method} on request target {@code rawTarget} (as sent: not decoded, query allowed) whose
     * path {@link #handles} said is this route's.
     */
    Served respond(HttpMethod method, String rawTarget) {
        int q = rawTarget.indexOf('?');
        String path = q < 0 ? rawTarget : rawTarget.substring(0, q);
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            Served refused = error(ErrorCode.METHOD_NOT_ALLOWED, "the demo pages take GET and HEAD only");
            refused.response().headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            return refused;
        }
        if (path.indexOf('%') >= 0) {
            return error(ErrorCode.BAD_PARAMETER, "percent-escapes are not allowed in demo paths");
        }
        if (!handles(path)) {
            return notFound(path); // only its decoded form was the demo's: cannot happen without an escape
        }
        if (path.equals(PREFIX)) {
            // Relative links in the page (demo.js, sdk/...) resolve against the folder: send the browser there.
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.MOVED_PERMANENTLY);
            r.headers().set(HttpHeaderNames.LOCATION, PREFIX + "/" + (q < 0 ? "" : rawTarget.substring(q)));
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            return new Served(ErrorCode.OK, r);
        }
        String asked = path.substring(PREFIX.length() + 1);
        String rel = asked.isEmpty() ? "index.html" : asked;
        String refusal = refusal(rel);
        if (refusal != null) {
            return error(ErrorCode.BAD_PARAMETER, refusal);
        }
        String[] segments = rel.split("/", -1);
        String last = segments[segments.length - 1];
        String type = TYPES.get(extension(last));
        if (segments.length > MAX_DEPTH || type == null || !allMatch(segments)) {
            return notFound(rel);
        }
        byte[] bytes = files.get(rel);
        if (bytes == null) {
            // Only files that exist are kept: names asked for in vain never grow the map.
            bytes = read(rel).orElse(null);
            if (bytes == null) {
                return notFound(rel);
            }
            files.putIfAbsent(rel, bytes);
        }
        return new Served(ErrorCode.OK, file(bytes, type));
    }

    /** Why {@code rel} (raw, without escapes) is refused outright, or null: backslashes, NULs, dot segments. */
    private static String refusal(String rel) {
        if (rel.indexOf('\\') >= 0 || rel.indexOf('\0') >= 0) {
            return "backslashes and NULs are not allowed in demo paths";
        }
        for (String s : rel.split("/", -1)) {
            if (s.equals("..") || s.equals(".")) {
                return "dot segments are not allowed in demo paths";
            }
        }
        return null;
    }

    private static boolean allMatch(String[] segments) {
        for (String s : segments) {
            if (!SEGMENT.matcher(s).matches()) {
                return false;
            }
        }
        return true;
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1);
    }

    private Optional<byte[]> read(String rel) {
        try (InputStream in = loader.getResourceAsStream(root + rel)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read demo file " + rel, e);
        }
    }

    private static Served notFound(String rel) {
        return error(ErrorCode.NOT_FOUND, "no demo file " + rel);
    }

    private static Served error(ErrorCode code, String message) {
        return new Served(code, ApiResponse.error(code, message));
    }

    private static FullHttpResponse file(byte[] bytes, String type) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        r.headers().set("X-Content-Type-Options", "nosniff");
        r.headers().set("Content-Security-Policy", CSP);
        return r;
    }
}
