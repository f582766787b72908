package io.jgoim.comet.config;

import io.jgoim.common.config.ConfigException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The parsed {@code webSocket.allowedOrigins}: which browser origins may open a WebSocket. Entries are exact origins
 * ({@code https://app.example.com}), host wildcards ({@code https://*.example.com}: any subdomain, not the apex),
 * port wildcards ({@code http://localhost:*}: any port, the scheme's default included) or {@code *} (any origin,
 * malformed ones included). Scheme and host compare case-insensitively, the port exactly, an absent port as the
 * scheme's default (80 for http/ws, 443 for https/wss). An origin that is not {@code scheme://host[:port]} (the
 * opaque {@code null}, a path, garbage) matches nothing but {@code *}. Immutable and thread-safe; consulted once per
 * upgrade request, never per frame.
 */
public final class OriginAllowList {
    private static final int ANY_PORT = -2;
    private static final int NO_PORT = -1;

    private final List<Pattern> patterns;
    private final boolean any;

    private OriginAllowList(List<Pattern> patterns, boolean any) {
        this.patterns = patterns;
        this.any = any;
    }

    /**
     * Parses the entries of {@code key}.
     *
     * @throws ConfigException naming {@code key} and the entry when an entry is not one of the forms above
     */
    public static OriginAllowList parse(List<String> entries, String key) {
        if (entries == null) {
            throw new ConfigException(key + " is required (an empty list allows native clients only)");
        }
        List<Pattern> patterns = new ArrayList<>(entries.size());
        boolean any = false;
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            if ("*".equals(entry == null ? null : entry.trim())) {
                any = true;
                continue;
            }
            Pattern p = entry == null ? null : Pattern.parse(entry.trim(), true);
            if (p == null) {
                throw new ConfigException(key + "[" + i + "] must be *, scheme://host[:port], scheme://*.domain[:port]"
                        + " or scheme://[ipv6][:port], with port a number or *, and no path, was '" + entry + "'");
            }
            patterns.add(p);
        }
        return new OriginAllowList(List.copyOf(patterns), any);
    }

    /** True when the list holds {@code *}: every origin passes (unsafe for browser-reachable comets). */
    public boolean allowsAny() {
        return any;
    }

    /** Whether a request carrying the {@code Origin} header value {@code origin} (not null) may upgrade. */
    public boolean allows(String origin) {
        if (any) {
            return true;
        }
        Pattern o = Pattern.parse(origin, false);
        if (o == null) {
            return false;
        }
        for (Pattern p : patterns) {
            if (p.matches(o)) {
                return true;
            }
        }
        return false;
    }

    /**
     * One entry, or one request's origin ({@code pattern} false: no wildcards). {@code host} is lower case; for a
     * host wildcard it is the suffix with its leading dot ({@code .example.com}).
     */
    private record Pattern(String scheme, String host, boolean subdomains, int port) {
        boolean matches(Pattern origin) {
            if (!scheme.equals(origin.scheme) || (port != ANY_PORT && port != origin.port)) {
                return false;
            }
            return subdomains ? origin.host.length() > host.length() && origin.host.endsWith(host)
                    : host.equals(origin.host);
        }

        /** The pattern, or null when {@code s} is not {@code scheme://host[:port]} (wildcards when allowed). */
        static Pattern parse(String s, boolean wildcards) {
            String v = s.toLowerCase(Locale.ROOT);
            int sep = v.indexOf("://");
            if (sep <= 0 || !isScheme(v, sep)) {
                return null;
            }
            String scheme = v.substring(0, sep);
            String rest = v.substring(sep + 3);
            String host;
            String portText;
            if (rest.startsWith("[")) {
                int close = rest.indexOf(']');
                if (close < 0 || !isIpv6(rest, close)) {
                    return null;
                }
                host = rest.substring(0, close + 1);
                String after = rest.substring(close + 1);
                if (!after.isEmpty() && !after.startsWith(":")) {
                    return null;
                }
                portText = after.isEmpty() ? null : after.substring(1);
            } else {
                int colon = rest.indexOf(':');
                host = colon < 0 ? rest : rest.substring(0, colon);
                portText = colon < 0 ? null : rest.substring(colon + 1);
            }
            boolean subdomains = wildcards && host.startsWith("*.");
            String name = subdomains ? host.substring(2) : host;
            if (!host.startsWith("[") && !isHostName(name)) {
                return null;
            }
            int port = port(scheme, portText, wildcards);
            if (port == NO_PORT && portText != null) {
                return null;
            }
            return new Pattern(scheme, subdomains ? "." + name : host, subdomains, port);
        }

        private static boolean isScheme(String v, int end) {
            if (v.charAt(0) < 'a' || v.charAt(0) > 'z') {
                return false;
            }
            for (int i = 1; i < end; i++) {
                char c = v.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
                    return false;
                }
            }
            return true;
        }

        private static boolean isIpv6(String rest, int close) {
            if (close < 3) {
                return false;
            }
            for (int i = 1; i < close; i++) {
                char c = rest.charAt(i);
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c == ':' || c == '.')) {
                    return false;
                }
            }
            return true;
        }

        /** Dot-separated labels of letters, digits and hyphens, none empty. */
        private static boolean isHostName(String h) {
            if (h.isEmpty() || h.length() > 253 || h.startsWith(".") || h.endsWith(".") || h.contains("..")) {
                return false;
            }
            for (int i = 0; i < h.length(); i++) {
                char c = h.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.')) {
                    return false;
                }
            }
            return true;
        }

        /** The port, the scheme's default when absent, {@link #ANY_PORT} for a wildcard, NO_PORT if invalid. */
        private static int port(String scheme, String text, boolean wildcards) {
            if (text == null) {
                return defaultPort(scheme);
            }
            if (wildcards && "*".equals(text)) {
                return ANY_PORT;
            }
            if (text.isEmpty() || text.length() > 5) {
                return NO_PORT;
            }
            int port = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    return NO_PORT;
                }
                port = port * 10 + (c - '0');
            }
            return port >= 1 && port <= 65535 ? port : NO_PORT;
        }

        private static int defaultPort(String scheme) {
            switch (scheme) {
                case "http":
                case "ws":
                    return 80;
                case "https":
                case "wss":
                    return 443;
                default:
                    return NO_PORT;
            }
        }
    }
}
