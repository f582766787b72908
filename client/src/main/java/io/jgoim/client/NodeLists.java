package io.jgoim.client;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code "nodes":["host:port",...]} array shared by a draining comet's goodbye hints and logic's
 * {@code /goim/nodes/weighted} reply, and splits {@code host:port} addresses ({@code [v6]:port} too). Lenient: what
 * does not parse is left out, nothing throws. Stateless.
 */
final class NodeLists {
    private static final Pattern NODES = Pattern.compile(
            "\"nodes\"\\s*:\\s*\\[((?:\\s*\"(?:[^\"\\\\]|\\\\.)*\"\\s*,?)*)\\s*\\]");
    private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    private NodeLists() {
    }

    /** The addresses of the first {@code "nodes"} array in {@code json}, in order; empty when there is none. */
    static List<String> parse(String json) {
        Matcher m = NODES.matcher(json);
        if (!m.find()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        Matcher s = STRING.matcher(m.group(1));
        while (s.find()) {
            String addr = s.group(1);
            if (port(addr) > 0) {
                out.add(addr);
            }
        }
        return List.copyOf(out);
    }

    /** The host of {@code host:port} (without IPv6 brackets). */
    static String host(String address) {
        int colon = address.lastIndexOf(':');
        String h = colon < 0 ? address : address.substring(0, colon);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    /** The port of {@code host:port}, or -1 when it has none or it is out of range. */
    static int port(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            return -1;
        }
        try {
            int p = Integer.parseInt(address.substring(colon + 1));
            return p > 0 && p <= 65535 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
