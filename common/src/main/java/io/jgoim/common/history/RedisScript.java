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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One Lua script run by {@code EVALSHA} (its SHA-1 is computed here, the text is sent only when needed), with
 * {@code EVAL} as the fallback when Redis answers NOSCRIPT (first use, a restart, a failover, SCRIPT FLUSH). Arguments
 * are passed as raw bytes, replies come back as a {@link FlatReply}.
 *
 * <p>The fallback keeps the calls' order. A call handed to lettuce is not yet on the wire, so sending a NOSCRIPT'd
 * call again at once could load the script ahead of later EVALSHAs already handed over, which would then succeed
 * before it. Instead: from the first NOSCRIPT reply, new calls are held; the NOSCRIPT'd calls are collected in
 * reply order; when every EVALSHA handed over before has answered (all of them NOSCRIPT, since nothing loaded the
 * script meanwhile), the collected calls are sent again as EVAL in order, then the held ones as EVALSHA. "Nothing
 * loaded it meanwhile" needs the script to be this instance's alone: its text starts with a comment holding a random
 * id, so another process (or store) never loads this digest. Redis keeps one such script per store instance until
 * its script cache is flushed: a few kilobytes per process start. Thread-safe; for calls to one hash slot, the order
 * of execution is the order in which {@link #run} was called.
 */
final class RedisScript {
    private final RedisClusterAsyncCommands<String, String> redis;
    private final String source;
    private final String sha;
    private final Object lock = new Object();
    /** EVALSHA commands handed to lettuce and not yet answered; guarded by lock. */
    private int inFlight;
    /** True from a NOSCRIPT reply until every EVALSHA handed over before it has answered; guarded by lock. */
    private boolean recovering;
    /** Calls answered NOSCRIPT while recovering, in reply order, to send again as EVAL; guarded by lock. */
    private final ArrayDeque<Call> refused = new ArrayDeque<>();
    /** Calls made while recovering, sent in order after the refused ones; guarded by lock. */
    private final ArrayDeque<Call> held = new ArrayDeque<>();

    /** One run: the keys (all in one hash slot), the arguments (String or byte[]) and its outcome. */
    private record Call(String[] keys, Object[] argv, CompletableFuture<List<Object>> result) {
    }

    RedisScript(RedisClusterAsyncCommands<String, String> redis, String body) {
        this.redis = redis;
        this.source = "-- jgoim script instance " + UUID.randomUUID() + "\n" + body;
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

    /** Called under lock (so calls reach lettuce in {@link #run} order). */
    private void sendSha(Call call) {
        inFlight++;
        redis.dispatch(CommandType.EVALSHA, new FlatReply(), args(sha, call))
                .whenComplete((reply, error) -> shaAnswered(call, reply, error));
    }

    /** Called under lock. */
    private void sendEval(Call call) {
        redis.dispatch(CommandType.EVAL, new FlatReply(), args(source, call))
                .whenComplete((reply, error) -> complete(call, reply, error));
    }

    private void shaAnswered(Call call, List<Object> reply, Throwable error) {
        boolean noScript = error != null && isNoScript(error);
        if (!noScript) {
            complete(call, reply, error);
        }
        synchronized (lock) {
            inFlight--;
            if (noScript) {
                recovering = true;
                refused.addLast(call);
            }
            if (inFlight == 0 && recovering) {
                recovering = false;
                while (!refused.isEmpty()) {
                    sendEval(refused.pollFirst());
                }
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
