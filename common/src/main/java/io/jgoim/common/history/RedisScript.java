package io.jgoim.common.history;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.jgoim.protocol.Failures;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One Lua script run by {@code EVALSHA} (its SHA-1 is computed here, the text is sent once), with {@code EVAL} as the
 * fallback when Redis answers NOSCRIPT (first use, a restart, a failover, SCRIPT FLUSH). Arguments are passed as raw
 * bytes, replies come back as a {@link FlatReply}.
 *
 * <p>The fallback keeps the calls' order on the wire. When a NOSCRIPT reply arrives, every EVALSHA sent before it
 * also fails, and each is sent again as EVAL from its own reply callback (replies arrive in order). New calls are
 * held until all those earlier EVALSHAs have answered, then sent in order: otherwise a new call could overtake an
 * older one still waiting to be sent again, and the stream's offsets would be assigned out of submission order.
 * Thread-safe; the wire order of calls is the order in which {@link #run} was called.
 */
final class RedisScript {
    private final RedisClusterAsyncCommands<String, String> redis;
    private final String source;
    private final String sha;
    private final Object lock = new Object();
    /** EVALSHA commands sent and not yet answered; guarded by lock. */
    private int inFlight;
    /** True from a NOSCRIPT reply until every EVALSHA sent before it has answered; guarded by lock. */
    private boolean recovering;
    /** Calls made while recovering, sent in order when it ends; guarded by lock. */
    private final ArrayDeque<Call> held = new ArrayDeque<>();

    /** One run: the keys (all in one hash slot), the arguments (String or byte[]) and its outcome. */
    private record Call(String[] keys, Object[] argv, CompletableFuture<List<Object>> result) {
    }

    RedisScript(RedisClusterAsyncCommands<String, String> redis, String source) {
        this.redis = redis;
        this.source = source;
        this.sha = sha1(source);
    }

    String sha() {
        return sha;
    }

    /** Runs the script on the node owning {@code keys}; the future fails with lettuce's exception. */
    CompletableFuture<List<Object>> run(String[] keys, Object[] argv) {
        Call call = new Call(keys, argv, new CompletableFuture<>());
        synchronized (lock) {
            if (recovering) {
                held.addLast(call);
            } else {
                sendSha(call);
            }
        }
        return call.result;
    }

    /** Called under lock (so calls reach the connection in {@link #run} order). */
    private void sendSha(Call call) {
        inFlight++;
        redis.dispatch(CommandType.EVALSHA, new FlatReply(), args(sha, call))
                .whenComplete((reply, error) -> shaAnswered(call, reply, error));
    }

    private void shaAnswered(Call call, List<Object> reply, Throwable error) {
        if (error == null) {
            call.result.complete(reply);
        } else if (isNoScript(error)) {
            synchronized (lock) {
                recovering = true;
            }
            redis.dispatch(CommandType.EVAL, new FlatReply(), args(source, call))
                    .whenComplete((again, failure) -> complete(call, again, failure));
        } else {
            call.result.completeExceptionally(error);
        }
        synchronized (lock) {
            inFlight--;
            if (inFlight == 0 && recovering) {
                recovering = false;
                // Every earlier EVALSHA has been answered and, if it failed, sent again: the held calls go after.
                while (!held.isEmpty()) {
                    sendSha(held.pollFirst());
                }
            }
        }
    }

    private static void complete(Call call, List<Object> reply, Throwable error) {
        if (error == null) {
            call.result.complete(reply);
        } else {
            call.result.completeExceptionally(error);
        }
    }

    private static boolean isNoScript(Throwable error) {
        Throwable t = Failures.unwrap(error);
        return t instanceof RedisNoScriptException
                || (t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT"));
    }

    /** EVAL/EVALSHA arguments: script or digest, key count, keys (routed by the first one on Cluster), argv. */
    private static CommandArgs<String, String> args(String scriptOrSha, Call call) {
        CommandArgs<String, String> a = new CommandArgs<>(StringCodec.UTF8);
        a.add(scriptOrSha).add(call.keys.length);
        for (String k : call.keys) {
            a.addKey(k);
        }
        for (Object v : call.argv) {
            if (v instanceof byte[] b) {
                a.add(b);
            } else {
                a.add((String) v);
            }
        }
        return a;
    }

    private static String sha1(String source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }
}
