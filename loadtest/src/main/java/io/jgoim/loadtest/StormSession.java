package io.jgoim.loadtest;

import io.jgoim.client.ClientListener;
import io.jgoim.client.ClientState;
import io.jgoim.client.CloseStatus;
import io.jgoim.client.JgoimClient;
import io.jgoim.loadtest.metrics.Payload;
import io.jgoim.protocol.stream.StreamState;
import io.netty.buffer.ByteBuf;
import org.HdrHistogram.Recorder;

/**
 * One resume-storm session's view of its room stream: counts the seed messages it got before the cut, then, once
 * cut, times its reconnect (from the SDK's first reconnect attempt to the auth reply) and its recovery (from that
 * attempt to the last of the messages it missed), keeps the stream state the reconnect's auth reply gave, and checks
 * every positioned message: offsets consecutive in one epoch (gaps and out-of-order counted), the missed messages'
 * payload sequence 0, 1, 2, ... (repeats counted as duplicates on top of those the SDK dropped by offset).
 *
 * <p>Listener methods run on the client's event loop, one at a time; the fields the scenario polls while the run goes
 * on are volatile, the others are read after the event loops stopped (or once {@link #done()} is true, which is
 * written last).
 */
final class StormSession implements ClientListener {
    /** {@link #stateCode()} before any stream state came after the cut. */
    static final int NO_STATE = -1;
    /** {@link #stateCode()} of a state that was not a resume (the client sent no position for the room). */
    static final int NOT_ASKED = -2;

    private final String room;
    private final int seedPublisher;
    private final int missedPublisher;
    private final int missed;
    private final Recorder recover;
    private final Recorder reconnect;

    private volatile JgoimClient client;
    private volatile int seeded;
    private volatile boolean cut;
    private volatile boolean done;
    private volatile int stateCode = NO_STATE;
    private volatile long duplicatesAtCut;

    // Confined to the event loop.
    private long epoch;
    private long lastOffset;
    private long reconnectStartNanos;
    private boolean reconnected;
    private long nextMissed;
    private long gaps;
    private long outOfOrder;
    private long epochChanges;
    private long payloadDuplicates;
    private long sequenceSkips;
    private long beforeReconnect;
    private long foreign;
    private boolean closedForGood;

    StormSession(String room, int seedPublisher, int missedPublisher, int missed, Recorder recover,
                 Recorder reconnect) {
        this.room = room;
        this.seedPublisher = seedPublisher;
        this.missedPublisher = missedPublisher;
        this.missed = missed;
        this.recover = recover;
        this.reconnect = reconnect;
    }

    @Override
    public void onPublication(JgoimClient c, String stream, long streamEpoch, long offset, int op, ByteBuf body) {
        client = c;
        if (!stream.equals(room) || !Payload.isPayload(body)) {
            foreign++;
            return;
        }
        if (epoch != 0 && streamEpoch != epoch) {
            epochChanges++;
        } else if (lastOffset != 0 && offset > lastOffset + 1) {
            gaps += offset - lastOffset - 1;
        } else if (lastOffset != 0 && offset <= lastOffset) {
            outOfOrder++;
        }
        epoch = streamEpoch;
        lastOffset = Math.max(lastOffset, offset);
        int publisher = Payload.publisherId(body);
        if (publisher == seedPublisher && !cut) {
            seeded++;
        } else if (publisher == missedPublisher) {
            onMissed(Payload.sequence(body));
        } else {
            foreign++;
        }
    }

    private void onMissed(long sequence) {
        if (reconnectStartNanos == 0) {
            // arrived on a connection that should have been cut
            beforeReconnect++;
        }
        if (sequence < nextMissed) {
            payloadDuplicates++;
            return;
        }
        if (sequence > nextMissed) {
            sequenceSkips += sequence - nextMissed;
        }
        nextMissed = sequence + 1;
        if (nextMissed >= missed && !done) {
            if (reconnectStartNanos != 0) {
                recover.recordValue(Math.max(0, (System.nanoTime() - reconnectStartNanos) / 1000));
            }
            done = true;
        }
    }

    @Override
    public void onStateChange(JgoimClient c, ClientState state) {
        client = c;
        if (cut && state == ClientState.CONNECTING && reconnectStartNanos == 0) {
            reconnectStartNanos = System.nanoTime();
        }
    }

    @Override
    public void onConnected(JgoimClient c, String node) {
        client = c;
        if (cut && reconnectStartNanos != 0 && !reconnected) {
            reconnected = true;
            reconnect.recordValue(Math.max(0, (System.nanoTime() - reconnectStartNanos) / 1000));
        }
    }

    @Override
    public void onStreamState(JgoimClient c, StreamState state) {
        if (!cut || !reconnected || !state.stream().equals(room)) {
            return;
        }
        stateCode = state.recovered() ? 0 : state.code() == 0 ? NOT_ASKED : state.code();
        if (stateCode != 0) {
            // nothing more will come of what it missed
            done = true;
        }
    }

    @Override
    public void onClose(JgoimClient c, CloseStatus status, boolean willReconnect) {
        client = c;
        if (cut && !willReconnect && !done) {
            // the SDK gave up before the session recovered (a terminal close code)
            closedForGood = true;
            done = true;
        }
    }

    /** Called before the session's connection is cut: from now on reconnects and missed messages are measured. */
    void markCut() {
        JgoimClient c = client;
        duplicatesAtCut = c == null ? 0 : c.duplicatesDropped();
        cut = true;
    }

    /** Seed messages received before the cut. */
    int seeded() {
        return seeded;
    }

    /** All missed messages received, or it is known they will not come (not recovered, closed for good). */
    boolean done() {
        return done;
    }

    /** The room stream's state after the reconnect: 0 recovered, an error code, {@link #NO_STATE}, {@link #NOT_ASKED}. */
    int stateCode() {
        return stateCode;
    }

    /** True when every missed message arrived, in order, after the reconnect. */
    boolean complete() {
        return nextMissed >= missed;
    }

    long missedReceived() {
        return Math.min(nextMissed, missed) - sequenceSkips;
    }

    /** Messages the SDK dropped as duplicates since the cut, plus repeated payloads that reached the listener. */
    long duplicates() {
        JgoimClient c = client;
        return (c == null ? 0 : c.duplicatesDropped() - duplicatesAtCut) + payloadDuplicates;
    }

    long gaps() {
        return gaps;
    }

    long outOfOrder() {
        return outOfOrder;
    }

    long epochChanges() {
        return epochChanges;
    }

    long sequenceSkips() {
        return sequenceSkips;
    }

    long beforeReconnect() {
        return beforeReconnect;
    }

    long foreign() {
        return foreign;
    }

    boolean reconnected() {
        return reconnected;
    }

    boolean closedForGood() {
        return closedForGood;
    }

    /** Reconnects the SDK made over the client's life (more than one: a resume was retried). */
    int reconnects() {
        JgoimClient c = client;
        return c == null ? 0 : c.reconnects();
    }
}
