package io.jgoim.common.history;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The argument checks both {@link HistoryStore}s make before touching a stream, so bad input fails the same way
 * (a failed future with {@link ErrorCode#BAD_PARAMETER}) in the in-memory twin and in Redis. Stateless.
 */
final class HistoryArgs {
    private HistoryArgs() {
    }

    /** Null when the append's arguments are valid, otherwise the failure to complete its future with. */
    static JgoimException appendError(String stream, List<byte[]> entries, List<String> dedupeIds,
                                      Retention retention) {
        if (stream == null || stream.isEmpty()) {
            return bad("history stream name is empty");
        }
        if (entries == null || retention == null) {
            return bad("history append of " + stream + " without entries or retention");
        }
        for (byte[] e : entries) {
            if (e == null) {
                return bad("history append of " + stream + " has a null entry");
            }
        }
        if (dedupeIds != null && dedupeIds.size() != entries.size()) {
            return bad("history append of " + stream + ": " + dedupeIds.size() + " dedupe ids for "
                    + entries.size() + " entries");
        }
        return null;
    }

    /** Null when the read's arguments are valid, otherwise the failure to complete its future with. */
    static JgoimException readError(String stream, long since, int limit) {
        if (stream == null || stream.isEmpty()) {
            return bad("history stream name is empty");
        }
        if (since < 0 || limit < 0) {
            return bad("history read of " + stream + ": since " + since + " and limit " + limit
                    + " must not be negative");
        }
        return null;
    }

    /** Null when the acknowledge's arguments are valid, otherwise the failure to complete its future with. */
    static JgoimException ackError(String stream, String deviceKey, long epoch, long offset, Retention retention) {
        if (stream == null || stream.isEmpty()) {
            return bad("history stream name is empty");
        }
        if (deviceKey == null || deviceKey.isEmpty() || retention == null) {
            return bad("ack of " + stream + " without a device key or retention");
        }
        if (epoch < 0 || offset < 0) {
            return bad("ack of " + stream + ": epoch " + epoch + " and offset " + offset + " must not be negative");
        }
        return null;
    }

    /** Null when the devices call's arguments are valid, otherwise the failure to complete its future with. */
    static JgoimException devicesError(String stream, Retention retention) {
        if (stream == null || stream.isEmpty()) {
            return bad("history stream name is empty");
        }
        return retention == null ? bad("devices of " + stream + " without retention") : null;
    }

    static <T> CompletableFuture<T> failed(JgoimException e) {
        return CompletableFuture.failedFuture(e);
    }

    private static JgoimException bad(String message) {
        return new JgoimException(ErrorCode.BAD_PARAMETER, message);
    }
}
