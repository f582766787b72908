package io.jgoim.logic.http;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.JgoimException;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The answers of the comets one cluster admin action called, gathered: each comet's reply, or its failure as
 * {@code "<code> <message>"}. Stateless.
 */
final class CometAnswers {
    private CometAnswers() {
    }

    /**
     * Waits for every call: a reply, or for a comet that failed the jgoim code and message ({@code "503 ..."}), so one
     * unreachable comet costs its part of the answer, never the whole action.
     */
    static CompletableFuture<Map<String, Object>> settle(Map<String, ? extends CompletableFuture<?>> calls) {
        Map<String, Object> out = new TreeMap<>();
        CompletableFuture<?>[] all = new CompletableFuture<?>[calls.size()];
        int i = 0;
        for (Map.Entry<String, ? extends CompletableFuture<?>> e : calls.entrySet()) {
            all[i++] = e.getValue().handle((v, error) -> {
                Object result = v;
                if (error != null) {
                    Throwable t = Failures.unwrap(error);
                    ErrorCode code = t instanceof JgoimException j ? j.code() : ErrorCode.UNAVAILABLE;
                    result = code.code() + " " + t.getMessage();
                }
                synchronized (out) {
                    out.put(e.getKey(), result);
                }
                return null;
            });
        }
        return CompletableFuture.allOf(all).thenApply(v -> {
            synchronized (out) {
                return new TreeMap<>(out);
            }
        });
    }

    /** The comets that failed, with their code and message. */
    static Map<String, String> failures(Map<String, Object> results) {
        Map<String, String> out = new TreeMap<>();
        results.forEach((id, v) -> {
            if (v instanceof String s) {
                out.put(id, s);
            }
        });
        return out;
    }
}
