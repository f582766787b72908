package io.jgoim.server.cluster;

import io.jgoim.client.ClientListener;
import io.jgoim.client.JgoimClient;
import io.jgoim.protocol.stream.StreamPosition;
import io.jgoim.protocol.stream.StreamState;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One SDK client's view of its streams, checked as it arrives: which pushes (by the sequence number the
 * {@link Pusher} put in the body, {@code stream|seq|pushNanos}) it received, whether one came twice, whether each
 * positioned message continues its stream at the next offset (after the last one, or after the position a stream
 * state gave), and every stream state the server reported. Plain pushes (no position: ver-1 clients, pushes whose
 * history append failed) are recorded by the stream their body names.
 *
 * <p>Called on the client's event loop, one call at a time; the checks read it after the run (synchronized).
 */
public final class StreamTracker implements ClientListener {
    /** A stream state and when it came. */
    public record TimedState(StreamState state, long nanos) {
    }

    /** Where one stream stands at this client. */
    static final class Log {
        final BitSet received = new BitSet();
        long epoch;
        long next = -1;
        long lastNanos;
        int duplicates;
        int positioned;
        int plain;
        final Map<Integer, StreamPosition> positions = new HashMap<>();
    }

    private final String name;
    private final String room;
    private final long mid;
    private final Delivery delivery;
    private final Map<String, Log> streams = new HashMap<>();
    private final List<TimedState> states = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final List<String> nodes = new ArrayList<>();
    private boolean repeatsCounted;

    public StreamTracker(String name, String room, long mid, Delivery delivery) {
        this.name = name;
        this.room = room;
        this.mid = mid;
        this.delivery = delivery;
    }

    /**
     * Counts a message received twice instead of reporting a violation: for goim (ver 1) clients, which have no
     * position to drop a repeat by and may see a message again from the comet they move to (see
     * {@link GoimV1Client}, which checks order and repeats within each session itself).
     */
    public StreamTracker countRepeats() {
        repeatsCounted = true;
        return this;
    }

    public String name() {
        return name;
    }

    public String room() {
        return room;
    }

    public long mid() {
        return mid;
    }

    /** The member stream's name, {@code mid:<mid>}. */
    public String memberStream() {
        return StreamPosition.memberStream(mid);
    }

    @Override
    public synchronized void onPublication(JgoimClient client, String stream, long epoch, long offset, int op,
                                           ByteBuf body) {
        long now = System.nanoTime();
        Log l = streams.computeIfAbsent(stream, s -> new Log());
        if (l.next < 0) {
            violation(stream + ": message at " + epoch + "/" + offset + " before any stream state");
        } else if (l.epoch == 0 && l.next == 1) {
            // The stream had no message when the client learned of it: the first one is its offset 1, any epoch.
            if (offset != 1) {
                violation(stream + ": first message at offset " + offset + ", expected 1");
            }
        } else if (epoch != l.epoch) {
            violation(stream + ": message in epoch " + epoch + " while at " + l.epoch + " with no state saying so");
        } else if (offset != l.next) {
            violation(stream + ": offset " + offset + " after " + (l.next - 1) + " (epoch " + epoch + ")");
        }
        l.epoch = epoch;
        l.next = offset + 1;
        l.positioned++;
        int seq = record(stream, l, body, now);
        if (seq >= 0) {
            l.positions.put(seq, new StreamPosition(stream, epoch, offset));
        }
    }

    @Override
    public synchronized void onPush(JgoimClient client, int op, int seq, ByteBuf body) {
        long now = System.nanoTime();
        String text = body.toString(StandardCharsets.UTF_8);
        int bar = text.indexOf('|');
        if (bar < 0) {
            violation("plain push without a stream: " + text);
            return;
        }
        String stream = text.substring(0, bar);
        Log l = streams.computeIfAbsent(stream, s -> new Log());
        l.plain++;
        record(stream, l, body, now);
    }

    /** Marks the body's sequence number received; returns it (-1 for a body of another stream). */
    private int record(String stream, Log l, ByteBuf body, long now) {
        String text = body.toString(StandardCharsets.UTF_8);
        String[] parts = text.split("\\|");
        if (parts.length != 3 || !parts[0].equals(stream)) {
            violation(stream + ": body of another stream or malformed: " + text);
            return -1;
        }
        int seq = Integer.parseInt(parts[1]);
        long pushed = Long.parseLong(parts[2]);
        if (l.received.get(seq)) {
            l.duplicates++;
            if (!repeatsCounted) {
                violation(stream + ": message " + seq + " received twice");
            }
        }
        l.received.set(seq);
        delivery.latency(pushed, now);
        if (delivery.isMeasuring() && l.lastNanos != 0) {
            delivery.gap(!stream.startsWith("mid:"), now - l.lastNanos);
        }
        l.lastNanos = now;
        return seq;
    }

    @Override
    public synchronized void onStreamState(JgoimClient client, StreamState state) {
        states.add(new TimedState(state, System.nanoTime()));
        Log l = streams.computeIfAbsent(state.stream(), s -> new Log());
        if (state.recovered()) {
            if (l.next < 0) {
                violation(state.stream() + ": recovered before it had a position");
            }
            return; // the missed messages follow and continue the stream where the client was
        }
        l.epoch = state.epoch();
        l.next = state.offset() + 1;
    }

    @Override
    public synchronized void onConnected(JgoimClient client, String node) {
        nodes.add(node);
    }

    private void violation(String what) {
        if (violations.size() < 20) {
            violations.add(name + ": " + what);
        }
    }

    /** The sequence numbers of {@code stream} this client received (a copy). */
    public synchronized BitSet received(String stream) {
        Log l = streams.get(stream);
        return l == null ? new BitSet() : (BitSet) l.received.clone();
    }

    /** Messages of every stream received more than once. */
    public synchronized int duplicates() {
        return streams.values().stream().mapToInt(l -> l.duplicates).sum();
    }

    /** How many messages of {@code stream} came without a position. */
    public synchronized int plainCount(String stream) {
        Log l = streams.get(stream);
        return l == null ? 0 : l.plain;
    }

    /** Order, duplicate and framing violations seen (at most 20). */
    public synchronized List<String> violations() {
        return new ArrayList<>(violations);
    }

    public synchronized List<TimedState> states() {
        return new ArrayList<>(states);
    }

    /** States that say messages may be missing: an asked stream not recovered, or an op-21 change with a code. */
    public synchronized List<StreamState> notRecovered() {
        List<StreamState> out = new ArrayList<>();
        for (TimedState t : states) {
            StreamState s = t.state();
            if (s.code() != 0) {
                out.add(s);
            }
        }
        return out;
    }

    /** The nodes ({@code host:port}) the client authenticated on, in order. */
    public synchronized List<String> nodes() {
        return new ArrayList<>(nodes);
    }
}
