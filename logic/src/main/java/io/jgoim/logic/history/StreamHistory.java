package io.jgoim.logic.history;

import com.google.protobuf.UnsafeByteOperations;
import io.jgoim.common.history.Audience;
import io.jgoim.common.history.HistoryConfig;
import io.jgoim.common.history.HistoryStore;
import io.jgoim.common.history.Retention;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.Tenancy;
import io.jgoim.protocol.rpc.logic.AckReply;
import io.jgoim.protocol.rpc.logic.AckReq;
import io.jgoim.protocol.rpc.logic.DeviceAck;
import io.jgoim.protocol.rpc.logic.EntryAudience;
import io.jgoim.protocol.rpc.logic.HistoryReply;
import io.jgoim.protocol.rpc.logic.HistoryReq;
import io.jgoim.protocol.stream.StreamPosition;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Logic's view of stream history: which streams keep it ({@link HistoryConfig}) and the {@link HistoryStore} that
 * holds it. Answers comets' History calls (a stream that keeps none answers {@code off}) and their Ack calls, records
 * the devices of member streams (a position-aware session's key, at connect), and answers which devices acknowledged
 * a message (the push API's ack status). Thread-safe.
 */
public final class StreamHistory {
    /** Most entries one History call returns. */
    public static final int MAX_READ = 1000;

    private final HistoryStore store;
    private final HistoryConfig config;

    public StreamHistory(HistoryStore store, HistoryConfig config) {
        this.store = store;
        this.config = config;
    }

    /** No stream keeps history (a logic node without a store). */
    public static StreamHistory none() {
        return new StreamHistory(null, HistoryConfig.off());
    }

    public HistoryConfig config() {
        return config;
    }

    /** The store, or null when no stream keeps history. */
    public HistoryStore store() {
        return store;
    }

    public CompletableFuture<HistoryReply> read(HistoryReq req) {
        if (store == null || req.getStream().isEmpty() || !config.retention(req.getStream()).enabled()) {
            return CompletableFuture.completedFuture(HistoryReply.newBuilder().setOff(true).build());
        }
        int limit = req.getLimit() <= 0 ? MAX_READ : Math.min(req.getLimit(), MAX_READ);
        return store.read(req.getStream(), req.getSince(), limit, req.getLast()).thenApply(s -> {
            HistoryReply.Builder b = HistoryReply.newBuilder().setEpoch(s.epoch()).setTop(s.top())
                    .setFirst(s.first()).setComplete(s.complete());
            List<byte[]> entries = s.entries();
            for (int i = 0; i < entries.size(); i++) {
                b.addEntries(UnsafeByteOperations.unsafeWrap(entries.get(i)));
            }
            s.audiences().forEach((offset, audience) -> b.addAudiences(EntryAudience.newBuilder().setOffset(offset)
                    .addAllKeys(Audience.decode(audience))));
            return b.build();
        });
    }

    /** The member stream's retention, or null when it keeps no history here (no store, or size 0). */
    private Retention memberRetention(String stream) {
        if (store == null) {
            return null;
        }
        Retention r = config.retention(stream);
        return r.enabled() ? r : null;
    }

    /**
     * Records {@code key} as a device of member {@code mid}'s stream, seen now (a position-aware session connected):
     * must-deliver messages then wait for its ack. Completes at once when the stream keeps no history.
     */
    public CompletableFuture<Void> deviceSeen(long mid, String key) {
        // The key is in its tenant's namespace (io.jgoim.protocol.Tenancy): so is the member's stream.
        String stream = StreamPosition.memberStream(Tenancy.tenantOf(key), mid);
        Retention r = memberRetention(stream);
        if (r == null || mid == 0 || key.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return store.acknowledge(stream, key, 0, 0, r).thenApply(taken -> null);
    }

    /**
     * Stores a comet's acks, one store call per device ack; an ack for another stream than its member's, or for a
     * stream keeping no history, is skipped. Fails when the store fails (the comet's next flush carries newer acks).
     */
    public CompletableFuture<AckReply> ack(AckReq req) {
        List<CompletableFuture<Boolean>> calls = new ArrayList<>(req.getAcksCount());
        for (DeviceAck a : req.getAcksList()) {
            String stream = StreamPosition.memberStream(Tenancy.tenantOf(a.getKey()), a.getMid());
            Retention r = memberRetention(stream);
            if (r == null || a.getMid() == 0 || a.getKey().isEmpty() || !stream.equals(a.getStream())) {
                continue;
            }
            calls.add(store.acknowledge(stream, a.getKey(), a.getEpoch(), a.getOffset(), r));
        }
        return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            int taken = 0;
            for (CompletableFuture<Boolean> c : calls) {
                taken += c.join() ? 1 : 0;
            }
            return AckReply.newBuilder().setTaken(taken).build();
        });
    }

    /**
     * Which devices of member {@code mid} seen within the ttl acknowledged {@code offset} of {@code epoch}. Fails
     * with HISTORY_OFF when the member stream keeps no history, EPOCH_CHANGED when {@code epoch} is not the stream's
     * current one (its history was lost, or it expired), POSITION_AHEAD for an offset it never assigned.
     */
    public CompletableFuture<AckStatus> acks(long mid, long epoch, long offset) {
        return acks(Tenancy.DEFAULT, mid, epoch, offset);
    }

    /** {@link #acks(long, long, long)} of {@code tenant}'s member {@code mid} ("" = the default tenant). */
    public CompletableFuture<AckStatus> acks(String tenant, long mid, long epoch, long offset) {
        String stream = StreamPosition.memberStream(tenant, mid);
        Retention r = memberRetention(stream);
        if (r == null) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.HISTORY_OFF,
                    stream + " keeps no history: no acks to tell"));
        }
        if (offset < 1) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.BAD_PARAMETER,
                    "offset must be >= 1, was " + offset));
        }
        return store.devices(stream, r).thenApply(d -> {
            if (d.epoch() == 0 || d.epoch() != epoch) {
                throw new JgoimException(ErrorCode.EPOCH_CHANGED, stream + " is not in epoch "
                        + Long.toUnsignedString(epoch) + " (now " + Long.toUnsignedString(d.epoch())
                        + "): its history was lost or expired");
            }
            if (offset > d.top()) {
                throw new JgoimException(ErrorCode.POSITION_AHEAD, stream + " has no offset " + offset
                        + " yet (top " + d.top() + ")");
            }
            List<AckStatus.DeviceAck> out = new ArrayList<>(d.devices().size());
            for (HistoryStore.Device device : d.devices()) {
                out.add(new AckStatus.DeviceAck(device.key(), device.acked(epoch, offset)));
            }
            return new AckStatus(stream, epoch, offset, out);
        });
    }
}
