package io.jgoim.comet.stream;

import io.jgoim.protocol.Failures;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.rpc.LogicService;
import io.jgoim.protocol.rpc.logic.AckReq;
import io.jgoim.protocol.rpc.logic.DeviceAck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Coalesces the member-stream acks of a comet's position-aware sessions and sends them to logic in batches: each
 * op-22 ack is one map update (the latest position per session key; an ack that does not advance it changes
 * nothing and allocates nothing), and {@link #flush()}, run every {@code history.ackFlushInterval}, sends what
 * accumulated in one Ack call (one per {@link #MAX_PER_CALL} sessions). However many acks a session sends, logic
 * sees at most one per flush. A flush that fails with a retryable error (logic down, timeout) keeps its acks for the
 * next flush unless newer ones came; others are dropped (logged). Bounded by the number of sessions: one entry per
 * acking session key. Thread-safe: {@link #offer} from any session's event loop, {@link #flush} from a timer.
 */
public final class AckBatcher {
    /** Most device acks in one Ack call (a few dozen bytes each: far below gRPC's message bound). */
    public static final int MAX_PER_CALL = 1000;
    private static final Logger log = LoggerFactory.getLogger(AckBatcher.class);

    /** The latest ack of one session key. */
    private record Pending(long mid, String stream, long epoch, long offset) {
    }

    private final LogicService logic;
    private final String server;
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();

    public AckBatcher(LogicService logic, String server) {
        this.logic = logic;
        this.server = server;
    }

    /** Session {@code key} (of member {@code mid}) acked every offset of {@code stream} up to {@code offset}. */
    public void offer(String key, long mid, String stream, long epoch, long offset) {
        Pending now = pending.get(key);
        if (now != null && now.epoch == epoch && now.offset >= offset) {
            return;
        }
        pending.merge(key, new Pending(mid, stream, epoch, offset), AckBatcher::later);
    }

    private static Pending later(Pending held, Pending offered) {
        return held.epoch == offered.epoch && held.offset >= offered.offset ? held : offered;
    }

    /** Session keys with an ack waiting for the next flush. */
    public int pending() {
        return pending.size();
    }

    /** Sends every waiting ack to logic; returns the number of Ack calls made (0 when nothing waited). */
    public int flush() {
        if (pending.isEmpty()) {
            return 0;
        }
        int calls = 0;
        AckReq.Builder batch = null;
        for (String key : pending.keySet()) {
            Pending p = pending.remove(key);
            if (p == null) {
                continue;
            }
            if (batch == null) {
                batch = AckReq.newBuilder().setServer(server);
            }
            batch.addAcks(DeviceAck.newBuilder().setMid(p.mid).setKey(key).setStream(p.stream).setEpoch(p.epoch)
                    .setOffset(p.offset));
            if (batch.getAcksCount() == MAX_PER_CALL) {
                send(batch.build());
                calls++;
                batch = null;
            }
        }
        if (batch != null) {
            send(batch.build());
            calls++;
        }
        return calls;
    }

    private void send(AckReq req) {
        logic.ack(req).whenComplete((reply, error) -> {
            if (error == null) {
                return;
            }
            Throwable t = Failures.unwrap(error);
            boolean retry = t instanceof JgoimException && ((JgoimException) t).code().isRetryable();
            if (log.isDebugEnabled()) {
                log.debug("logic Ack of {} sessions failed ({}): {}", req.getAcksCount(),
                        retry ? "kept for the next flush" : "dropped", t.toString());
            }
            if (retry) {
                for (DeviceAck a : req.getAcksList()) {
                    // putIfAbsent: an ack the session made since is newer than the failed one
                    pending.putIfAbsent(a.getKey(), new Pending(a.getMid(), a.getStream(), a.getEpoch(),
                            a.getOffset()));
                }
            }
        });
    }
}
