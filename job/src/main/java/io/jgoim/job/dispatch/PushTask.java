package io.jgoim.job.dispatch;

import io.jgoim.job.JobMetrics;
import io.jgoim.protocol.push.PushMsg;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;

/**
 * One message to push: a decoded {@link PushMsg}, the key that picks its lane (its room, or the record key of a user
 * push), and the listener told when it is finished. A play-history event is a task whose keys are resolved on its lane
 * from the session directory ({@link #ofMemberDevices}). A task read from Kafka knows its record
 * ({@link #fromRecord}), whose coordinates are its history dedupe id. Created on the producing thread, then owned by
 * one lane thread, which tracks the comet sends still open for it; the listener is told exactly once.
 */
public final class PushTask {
    private final PushMsg msg;
    private final String laneKey;
    private final TaskListener listener;
    /** For member pushes: whose devices, and which device to skip. */
    private final long memberId;
    private final String excludeKey;
    /** The Kafka record this task came from (null topic: the in-process bus); set before dispatch. */
    private String recordTopic;
    private int recordPartition;
    private long recordOffset;
    /** The task's dispatch span (null: not traced), ended when the listener is told. */
    private Span span;
    /** Lane thread only: comet sends still open, and whether one gave up. */
    private int openSends;
    private boolean failed;

    private PushTask(PushMsg msg, String laneKey, TaskListener listener, long memberId, String excludeKey) {
        this.msg = msg;
        this.laneKey = laneKey;
        this.listener = listener;
        this.memberId = memberId;
        this.excludeKey = excludeKey;
    }

    /**
     * A push as logic published it. The lane is chosen by the room for room pushes, and by {@code recordKey} (the
     * Kafka record key: the target key or member) for the others, falling back to the first key.
     */
    public static PushTask of(String recordKey, PushMsg msg, TaskListener listener) {
        String laneKey;
        if (msg.getType() == PushMsg.Type.ROOM) {
            laneKey = msg.getRoom();
        } else if (recordKey != null && !recordKey.isEmpty()) {
            laneKey = recordKey;
        } else if (msg.getKeysCount() > 0) {
            laneKey = msg.getKeys(0);
        } else {
            laneKey = "";
        }
        return new PushTask(msg, laneKey, listener, 0, null);
    }

    /**
     * A push to every device of {@code memberId} except {@code excludeKey}: {@code msg} carries operation, body and
     * creation time; its keys and server are found on the lane. Ordered per member.
     */
    public static PushTask ofMemberDevices(long memberId, String excludeKey, PushMsg msg, TaskListener listener) {
        return new PushTask(msg, "mid:" + memberId, listener, memberId, excludeKey);
    }

    /**
     * Producer thread, before {@link PushDispatcher#dispatch}: the Kafka record this task was read from. A room
     * batch's history append passes it as the entry's dedupe id, so a record consumed again (a restart before the
     * commit, a rebalance) keeps the position it got the first time.
     */
    public PushTask fromRecord(String topic, int partition, long offset) {
        this.recordTopic = topic;
        this.recordPartition = partition;
        this.recordOffset = offset;
        return this;
    }

    /**
     * Producer thread, before {@link PushDispatcher#dispatch}: the task's dispatch span, which it ends when done;
     * its comet calls are its children (or link to it when a call carries a batch).
     */
    public PushTask traced(Span dispatchSpan) {
        this.span = dispatchSpan;
        return this;
    }

    /** The dispatch span, or null when the task is not traced. */
    Span span() {
        return span;
    }

    /**
     * The task's history dedupe id: the caller's id of the push ({@code id:} + {@code push_id}) when it has one, so
     * a retried push (a new record) finds the first attempt's position; else {@code topic/partition/offset} of its
     * Kafka record (a record consumed again finds its own); null for neither (in-process bus, no id). Built on
     * demand. The prefix keeps the two apart: a topic name cannot hold ':'.
     */
    String dedupeId() {
        String pushId = msg.getPushId();
        if (!pushId.isEmpty()) {
            return "id:" + pushId;
        }
        return recordTopic == null ? null : recordTopic + '/' + recordPartition + '/' + recordOffset;
    }

    public PushMsg message() {
        return msg;
    }

    public String laneKey() {
        return laneKey;
    }

    /** True for a push to a member's devices, whose targets are looked up on the lane. */
    boolean isForMemberDevices() {
        return memberId != 0;
    }

    long memberId() {
        return memberId;
    }

    /** The sender's own device, which a member push skips (null for other pushes). */
    String excludedKey() {
        return excludeKey;
    }

    /** Lane thread: the task now waits for {@code sends} comet sends. */
    void awaitSends(int sends) {
        openSends = sends;
    }

    /** Lane thread: true while a comet send for this task is open. */
    boolean hasOpenSends() {
        return openSends != 0;
    }

    /** Lane thread: one target cannot be reached; the task will finish as not delivered. */
    void markUndeliverable() {
        failed = true;
    }

    /** Lane thread: one send that carried this task is over; the last one finishes the task. */
    void sendDone(boolean ok, JobMetrics metrics) {
        if (!ok) {
            failed = true;
        }
        if (--openSends == 0) {
            if (!failed) {
                metrics.pushAge(msg.getCreatedAtMs(), System.currentTimeMillis());
            }
            endSpan(!failed);
            listener.onDone(this, !failed);
        }
    }

    private void endSpan(boolean ok) {
        if (span != null) {
            if (!ok) {
                span.setStatus(StatusCode.ERROR, "not delivered to every comet");
            }
            span.end();
        }
    }

    /** Lane thread: finished without any send (no target, or resolution failed). */
    void finishWithoutSend(boolean ok) {
        endSpan(ok);
        listener.onDone(this, ok);
    }
}
