package io.jgoim.client;

import io.jgoim.protocol.Op;
import io.netty.buffer.ByteBuf;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client's requests waiting for their replies, by seq, and the seq counter. A reply answers a request when it
 * carries the request's seq and either op + 1 (jgoim and goim's change room / watch replies), the same op with an
 * empty body (goim's echo of upstream and business ops) or the error-reply op. Thread-safe: requests are added from
 * any thread, replies arrive on the event loop.
 */
final class PendingRequests {
    private final AtomicInteger seq = new AtomicInteger();
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>(4);

    private record Pending(int op, CompletableFuture<Reply> future) {
    }

    /** The next seq, never 0 (pushes carry 0). */
    int nextSeq() {
        int s = seq.incrementAndGet();
        if (s <= 0) {
            seq.compareAndSet(s, 0);
            return nextSeq();
        }
        return s;
    }

    /** Registers a request; the returned token removes exactly this entry. */
    Object add(int s, int op, CompletableFuture<Reply> f) {
        Pending p = new Pending(op, f);
        pending.put(s, p);
        return p;
    }

    /** Fails the request registered as {@code token} under {@code s}, if it is still waiting. */
    void fail(int s, Object token, Throwable cause) {
        if (token instanceof Pending p && pending.remove(s, p)) {
            p.future.completeExceptionally(cause);
        }
    }

    /** Completes the request waiting for {@code replySeq} when {@code op} answers it; true when consumed. */
    boolean complete(int op, int replySeq, ByteBuf body) {
        if (replySeq == 0 || pending.isEmpty()) {
            return false;
        }
        Pending p = pending.get(replySeq);
        if (p == null) {
            return false;
        }
        // Pushes carry seq 0, so a frame of the request's op with its (non-zero) seq is its reply: goim's empty echo,
        // or the body an upstream route answered (a backend's reply, a comment id).
        boolean answers = (op == p.op + 1 && p.op < Op.BUSINESS_MIN)
                || op == p.op
                || op == Op.ERROR_REPLY;
        if (!answers || !pending.remove(replySeq, p)) {
            return false;
        }
        byte[] bytes = new byte[body.readableBytes()];
        body.getBytes(body.readerIndex(), bytes);
        if (op == Op.ERROR_REPLY) {
            ErrorReplies.Parsed e = ErrorReplies.parse(bytes);
            p.future.completeExceptionally(new JgoimClientException(e.code(), e.message()));
        } else {
            p.future.complete(new Reply(op, replySeq, bytes));
        }
        return true;
    }

    /** Fails every waiting request with {@code cause}. */
    void failAll(Throwable cause) {
        if (pending.isEmpty()) {
            return;
        }
        for (Map.Entry<Integer, Pending> e : pending.entrySet()) {
            if (pending.remove(e.getKey(), e.getValue())) {
                e.getValue().future.completeExceptionally(cause);
            }
        }
    }
}
