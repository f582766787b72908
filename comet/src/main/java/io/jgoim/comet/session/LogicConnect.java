package io.jgoim.comet.session;

import com.google.protobuf.ByteString;
import io.jgoim.comet.limit.ClientIp;
import io.jgoim.protocol.rpc.logic.ConnectReply;
import io.jgoim.protocol.rpc.logic.ConnectReq;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One placed auth's Connect call to logic: builds the {@link ConnectReq}, sends it, bounds the wait with
 * {@code protocol.logicTimeout} and hands the answer (or the deadline) to its {@link Caller} on the channel's event
 * loop. The place it holds among the Connects goes back ({@link AuthAdmission#done}) on the thread that completed the
 * call, so a waiting auth need not wait for this loop. It exists so that {@link HandshakeHandler} keeps the states of
 * the handshake and this the RPC and its timing.
 *
 * <p>One per auth that got a place, made when the place came; it is reachable only from the call and its deadline, so
 * nothing of it outlives the handshake. Event loop only, except the completion of the call.
 */
final class LogicConnect implements Runnable {
    /** The handshake the answer goes to; both calls come on its event loop. */
    interface Caller {
        /** Logic answered ({@code error}: the call failed); it may come after {@link #connectTimedOut}. */
        void connected(ConnectReply reply, Throwable error);

        /** No answer within {@code protocol.logicTimeout}. */
        void connectTimedOut();
    }

    private final ChannelHandlerContext ctx;
    private final SessionServices services;
    private final AuthAdmission admission;
    private final Caller caller;
    private long startNanos;
    private ScheduledFuture<?> deadline;

    LogicConnect(ChannelHandlerContext ctx, SessionServices services, AuthAdmission admission, Caller caller) {
        this.ctx = ctx;
        this.services = services;
        this.admission = admission;
        this.caller = caller;
    }

    /**
     * Sends the Connect of {@code token} from {@code ip} (null: the channel's remote address stands in) over
     * {@code transport}; {@code positions}: the client resumes by position (auth ver 3). The answer may come before
     * this returns, when logic answers on this loop.
     */
    void send(ByteString token, ClientIp ip, boolean positions, String transport) {
        startNanos = System.nanoTime();
        ConnectReq req = ConnectReq.newBuilder()
                .setServer(services.serverId())
                .setToken(token)
                .setRemoteAddr(String.valueOf(ip != null && ip.address() != null ? ip.address()
                        : ctx.channel().remoteAddress()))
                .setPositions(positions)
                .setTransport(transport)
                .build();
        deadline = ctx.executor().schedule(this, services.config().protocol().logicTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
        CompletableFuture<ConnectReply> connect;
        try {
            connect = services.logic().connect(req);
        } catch (RuntimeException e) {
            connect = CompletableFuture.failedFuture(e);
        }
        connect.whenComplete((reply, error) -> {
            admission.done(System.nanoTime() - startNanos, error == null);
            if (ctx.executor().inEventLoop()) {
                answer(reply, error);
            } else {
                try {
                    ctx.executor().execute(() -> answer(reply, error));
                } catch (RejectedExecutionException e) {
                    // the comet is shutting down; the channel goes with its event loop
                }
            }
        });
    }

    private void answer(ConnectReply reply, Throwable error) {
        services.metrics().admission().authLatency().record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        cancel();
        caller.connected(reply, error);
    }

    /** The logicTimeout deadline passed. */
    @Override
    public void run() {
        caller.connectTimedOut();
    }

    /** Cancels the deadline (the handshake ended first); an answer that still comes is handed over all the same. */
    void cancel() {
        ScheduledFuture<?> d = deadline;
        if (d != null) {
            d.cancel(false);
        }
    }
}
