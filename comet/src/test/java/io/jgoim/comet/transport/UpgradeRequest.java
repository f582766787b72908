package io.jgoim.comet.transport;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One WebSocket upgrade request of an {@link UpgradeCases} case before it is written, and what the comet may answer
 * it: every part a string of ISO-8859-1 chars (one per byte), so a mutation can put any byte anywhere. Each mutation
 * names the statuses it may earn ({@link #outcome}); the request may be upgraded (101) only while every mutation
 * allowed it, and must be while every mutation kept the request valid. Mutable while its case is built, by one
 * thread.
 */
final class UpgradeRequest {
    /** RFC 6455 1.3's example key: base64 of the 16 bytes "the sample nonce". */
    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    String method = "GET";
    String target;
    String version = "HTTP/1.1";
    /** Whole header lines without their line end. */
    final List<String> headers = new ArrayList<>();
    String eol = "\r\n";
    /** Null: no body. */
    String body;
    /** The statuses some mutation allows (101 among them only while every mutation allows it). */
    private final Set<Integer> allowed = new TreeSet<>();
    /** Every mutation so far allows the upgrade. */
    private boolean upgradable = true;
    /** Every mutation so far keeps the request valid: it must be upgraded. */
    private boolean valid = true;

    UpgradeRequest(String path, String host) {
        this.target = path;
        headers.add("Host: " + host);
        headers.add("Upgrade: websocket");
        headers.add("Connection: Upgrade");
        headers.add("Sec-WebSocket-Key: " + KEY);
        headers.add("Sec-WebSocket-Version: 13");
    }

    /**
     * A mutation that may earn any of {@code statuses}: with 101 among them it may leave the request upgradable
     * (the comet may accept or refuse it), with 101 alone it keeps the request valid.
     */
    void outcome(int... statuses) {
        boolean upgrade = false;
        for (int s : statuses) {
            upgrade |= s == 101;
            allowed.add(s);
        }
        valid &= upgrade && statuses.length == 1;
        upgradable &= upgrade;
    }

    /** The final statuses the comet may answer with (101 only if every mutation allowed it). */
    Set<Integer> allowed() {
        Set<Integer> out = new TreeSet<>(allowed);
        if (upgradable) {
            out.add(101);
        } else {
            out.remove(101);
        }
        return out;
    }

    /** Every mutation kept the request valid: only a 101 is right. */
    boolean mustUpgrade() {
        return valid;
    }

    /** The value of the first header line named {@code name} (any case), or null. */
    String header(String name) {
        for (String h : headers) {
            if (h.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return h.substring(name.length() + 1).trim();
            }
        }
        return null;
    }

    /** Replaces the first line named {@code name} (any case) by {@code line}, or adds it; null: removes it. */
    void replace(String name, String line) {
        for (int i = 0; i < headers.size(); i++) {
            if (headers.get(i).regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                if (line == null) {
                    headers.remove(i);
                } else {
                    headers.set(i, line);
                }
                return;
            }
        }
        if (line != null) {
            headers.add(line);
        }
    }

    /** Sets the body and a Content-Length that matches it. */
    void body(String b) {
        replace("Content-Length", "Content-Length: " + b.length());
        body = b;
    }

    /** The request as written. */
    String serialize() {
        StringBuilder b = new StringBuilder(method).append(' ').append(target)
                .append(version.isEmpty() ? "" : " " + version).append(eol);
        for (String h : headers) {
            b.append(h).append(eol);
        }
        b.append(eol);
        return body == null ? b.toString() : b.append(body).toString();
    }

    /** A key: base64 of {@code n} bytes. */
    static String key(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return Base64.getEncoder().encodeToString(b);
    }
}
