package io.jgoim.common.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * One connection's read deadline under the listener's {@link HttpTimeouts}: the phase the connection is in (reading
 * a request's head, its body, waiting for the next request, closing) and when that phase must end. A fresh
 * connection waits for its first request's head. Past the deadline a head or body is refused 408 (the reply queued
 * like any other, then the connection closes) and an idle or closing connection is closed; while replies are still
 * due (not yet handed to the socket) the client waits for this server, so the deadline moves on instead. Bytes of a
 * next request that came in the same read as the end of the previous one are timed as idle until more bytes arrive.
 *
 * <p>Owned by its {@link PipelinedHttpHandler}, which reports the connection's events; touched only on the
 * channel's event loop. Moving the deadline is a field write: one timer is scheduled at a time, and moved only when
 * the deadline comes earlier (the next request's first bytes after an idle wait), so requests schedule nothing.
 */
final class RequestDeadline implements Runnable {
    private enum Phase { HEAD, BODY, IDLE, CLOSING }

    private final HttpTimeouts timeouts;
    private final PipelinedHttpHandler owner;
    private ChannelHandlerContext ctx;
    private Phase phase;
    private long deadline;
    private ScheduledFuture<?> timer;
    private long timerAt;
    /** A whole request was read since the last read completed. */
    private boolean requestInRead;

    RequestDeadline(HttpTimeouts timeouts, PipelinedHttpHandler owner) {
        this.timeouts = timeouts;
        this.owner = owner;
    }

    /** The connection is active: its first request's head is due. */
    void start(ChannelHandlerContext ctx) {
        if (this.ctx == null) {
            this.ctx = ctx;
            enter(Phase.HEAD, timeouts.headerNanos);
        }
    }

    /** A socket read ended: bytes while idle, with no whole request among them, begin a request's head. */
    void readComplete() {
        if (phase == Phase.IDLE && !requestInRead) {
            enter(Phase.HEAD, timeouts.headerNanos);
        }
        requestInRead = false;
    }

    /** A request's headers are read; its body is due. */
    void headersRead() {
        if (phase != Phase.CLOSING && phase != null) {
            enter(Phase.BODY, timeouts.bodyNanos);
        }
    }

    /** A whole request is read; the connection waits for the next one. */
    void requestRead() {
        requestInRead = true;
        if (phase != Phase.CLOSING && phase != null) {
            enter(Phase.IDLE, timeouts.idleNanos);
        }
    }

    /** Every reply due is written: an idle connection's wait for its next request starts now. */
    void repliesWritten() {
        if (phase == Phase.IDLE) {
            enter(Phase.IDLE, timeouts.idleNanos);
        }
    }

    /** The last reply is queued: the connection closes after it, or after the idle timeout if it does not drain. */
    void closing() {
        if (phase != Phase.CLOSING && phase != null) {
            enter(Phase.CLOSING, timeouts.idleNanos);
        }
    }

    /** The connection is closed: no timer outlives it. */
    void stop() {
        phase = Phase.CLOSING;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void enter(Phase next, long timeoutNanos) {
        phase = next;
        deadline = now() + timeoutNanos;
        if (timer == null || timerAt - deadline > 0) {
            arm();
        }
    }

    private void arm() {
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = deadline;
        timer = ctx.executor().schedule(this, Math.max(0, deadline - now()), TimeUnit.NANOSECONDS);
    }

    /** The timer fired: past the deadline, end the phase; else wait for the deadline it has moved to. */
    @Override
    public void run() {
        timer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        long now = now();
        if (now - deadline < 0) {
            arm();
            return;
        }
        if (owner.hasRepliesDue()) {
            deadline = now + (phase == Phase.BODY ? timeouts.bodyNanos
                    : phase == Phase.HEAD ? timeouts.headerNanos : timeouts.idleNanos);
            arm();
        } else if (phase == Phase.CLOSING) {
            timeouts.idleTimeouts.increment(); // the last reply is written but does not drain: the client won't read
            ctx.close();
        } else if (phase == Phase.IDLE) {
            timeouts.idleTimeouts.increment();
            ctx.close();
        } else if (phase == Phase.HEAD) {
            timeouts.headerTimeouts.increment();
            owner.refuse(HttpRefusal.TIMEOUT, "request line and headers not received within "
                    + TimeUnit.NANOSECONDS.toMillis(timeouts.headerNanos) + " ms");
        } else {
            timeouts.bodyTimeouts.increment();
            owner.refuse(HttpRefusal.TIMEOUT, "request body not received within "
                    + TimeUnit.NANOSECONDS.toMillis(timeouts.bodyNanos) + " ms");
        }
    }

    /** The event loop's clock (an embedded channel's can be advanced in tests). */
    private long now() {
        EventExecutor loop = ctx.executor();
        return loop instanceof AbstractScheduledEventExecutor s ? s.ticker().nanoTime() : System.nanoTime();
    }
}
