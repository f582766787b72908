package io.jgoim.client;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Proto;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends one client's requests (change room, watch, upstream) and arms their timeouts; the replies are matched in
 * {@link PendingRequests}. A request fails at once, without touching the wire, when its body is over the limit (the
 * comet would close the whole session for it) or the client is not connected. Thread-safe: any thread may send.
 */
final class Requests {
    private final ClientConfig config;
    private final EventLoop loop;
    private final Connection connection;
    private final PendingRequests pending;

    Requests(ClientConfig config, EventLoop loop, Connection connection, PendingRequests pending) {
        this.config = config;
        this.loop = loop;
        this.connection = connection;
        this.pending = pending;
    }

    /** Writes request {@code op} with {@code body} (released here); completes with the reply carrying its seq. */
    CompletableFuture<Reply> send(int op, ByteBuf body) {
        CompletableFuture<Reply> f = new CompletableFuture<>();
        if (body.readableBytes() > config.maxRequestBodyBytes()) {
            int len = body.readableBytes();
            body.release();
            f.completeExceptionally(new JgoimClientException(ErrorCode.BODY_TOO_LARGE,
                    "request body " + len + " > " + config.maxRequestBodyBytes() + " bytes"));
            return f;
        }
        Channel ch = connection.channel();
        ClientState state = connection.state();
        if (state != ClientState.CONNECTED || ch == null) {
            body.release();
            f.completeExceptionally(new JgoimClientException(ErrorCode.UNAVAILABLE, "not connected: " + state));
            return f;
        }
        int s = pending.nextSeq();
        Object token = pending.add(s, op, f);
        ch.writeAndFlush(Proto.newInstance(config.wireVersion(), op, s, body)).addListener(w -> {
            if (!w.isSuccess()) {
                pending.fail(s, token, new JgoimClientException(ErrorCode.UNAVAILABLE, null, "write failed",
                        w.cause()));
            }
        });
        loop.schedule(() -> pending.fail(s, token, new JgoimClientException(ErrorCode.TIMEOUT,
                "no reply to op " + op + " seq " + s + " within " + config.requestTimeout())),
                config.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
        return f;
    }
}
