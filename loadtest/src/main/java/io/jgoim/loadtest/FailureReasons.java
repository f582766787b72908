package io.jgoim.loadtest;

import io.jgoim.client.CloseStatus;
import io.jgoim.client.JgoimClientException;
import io.jgoim.protocol.Failures;


/** Turns a failed session into a short reason to count by: close codes by number and name, socket errors by kind. */
final class FailureReasons {
    private FailureReasons() {
    }

    static String of(Throwable t) {
        t = Failures.unwrap(t);
        if (t instanceof JgoimClientException e) {
            if (e.closeStatus() != null) {
                return of(e.closeStatus());
            }
            return "error " + e.errorCode();
        }
        return classify(String.valueOf(t));
    }

    static String of(CloseStatus s) {
        if (s.code() != CloseStatus.ABNORMAL_CODE) {
            return "close " + s.code() + " " + s.closeCode();
        }
        return classify(s.reason());
    }

    private static String classify(String text) {
        if (text.contains("Connection refused")) {
            return "connect refused";
        }
        if (text.contains("ConnectTimeout") || text.contains("connection timed out")) {
            return "connect timeout";
        }
        if (text.contains("no auth reply")) {
            return "auth timeout";
        }
        if (text.contains("Cannot assign requested address")) {
            return "no local port (EADDRNOTAVAIL)";
        }
        if (text.contains("Too many open files")) {
            return "too many open files";
        }
        if (text.contains("WebSocket handshake")) {
            return "websocket handshake failed";
        }
        if (text.contains("closed by peer")) {
            return "closed by server without code";
        }
        if (text.contains("no heartbeat reply")) {
            return "heartbeat timeout";
        }
        return text.length() > 80 ? text.substring(0, 80) : text;
    }
}
