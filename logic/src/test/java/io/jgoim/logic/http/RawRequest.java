package io.jgoim.logic.http;

import java.util.ArrayList;
import java.util.List;

/**
 * One request of an {@link HttpCases} case before it is written: every part a string of ISO-8859-1 chars (one
 * per byte), so a mutation can put any byte anywhere. Mutable while its case is built, by one thread.
 */
final class RawRequest {
    String method;
    String path;
    String version = "HTTP/1.1";
    /** {name, value}; a null value is written without '='. */
    final List<String[]> params = new ArrayList<>();
    /** Whole header lines without their line end. */
    final List<String> headers = new ArrayList<>();
    /** Null: no body. */
    String body;
    /** Unmutated and always answered code 0. */
    boolean succeeds;

    RawRequest(String method, String path) {
        this.method = method;
        this.path = path;
    }

    /** Sets the body and a Content-Length that matches it. */
    void setBody(String b) {
        removeHeader("Content-Length");
        headers.add("Content-Length: " + b.length());
        body = b;
    }

    void removeHeader(String name) {
        headers.removeIf(h -> h.regionMatches(true, 0, name + ":", 0, name.length() + 1));
    }

    /** The request as written, each line ended by {@code eol}. */
    String serialize(String eol) {
        StringBuilder b = new StringBuilder(method).append(' ').append(path);
        for (int i = 0; i < params.size(); i++) {
            String[] p = params.get(i);
            b.append(i == 0 ? '?' : '&').append(p[0]);
            if (p[1] != null) {
                b.append('=').append(p[1]);
            }
        }
        b.append(version.isEmpty() ? "" : " " + version).append(eol);
        for (String h : headers) {
            b.append(h).append(eol);
        }
        b.append(eol);
        return body == null ? b.toString() : b.append(body).toString();
    }
}
