package io.jgoim.logic.backend;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read into one array of at most {@code max} bytes. A reply that announces more (Content-Length), or
 * sends more, is abandoned at once (the subscription is cancelled, which closes that connection) and the body fails
 * with BODY_TOO_LARGE, so a runaway backend cannot make logic buffer without bound. One instance per response.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int max;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private byte[] buf;
    private int size;
    private final long announced;

    private LimitedBody(int max, long announced) {
        this.max = max;
        this.announced = announced;
        this.buf = new byte[(int) Math.max(0, Math.min(max, announced < 0 ? 256 : announced))];
    }

    /** A handler giving each response a fresh bounded body. */
    static HttpResponse.BodyHandler<byte[]> handler(int max) {
        return info -> new LimitedBody(max, info.headers().firstValueAsLong("content-length").orElse(-1));
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        this.subscription = s;
        if (announced > max) {
            s.cancel();
            tooLarge();
            return;
        }
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : items) {
            int n = b.remaining();
            if (size + n > max) {
                subscription.cancel();
                tooLarge();
                return;
            }
            if (size + n > buf.length) {
                byte[] grown = new byte[Math.min(max, Math.max(size + n, buf.length * 2))];
                System.arraycopy(buf, 0, grown, 0, size);
                buf = grown;
            }
            b.get(buf, size, n);
            size += n;
        }
    }

    private void tooLarge() {
        result.completeExceptionally(new JgoimException(ErrorCode.BODY_TOO_LARGE,
                "backend reply is larger than " + max + " bytes"));
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        if (!result.isDone()) {
            result.complete(size == buf.length ? buf : java.util.Arrays.copyOf(buf, size));
        }
    }
}
