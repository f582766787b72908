package io.jgoim.job.dispatch;

import io.jgoim.protocol.push.PushMsg;

/**
 * One message to push: a decoded {@link PushMsg}, the key that picks its lane (its room, or the record key of a user
 * push), and the listener told when it is finished. A play-history event is a task whose keys are resolved on its lane
 * from the session directory ({@link #ofMemberDevices}). Created on the producing thread, then owned by one lane
 * thread; {@link #run()} is how it enters its lane (no extra Runnable per message).
 */
public final class PushTask implements Runnable {
    final PushMsg msg;
    final String laneKey;
    final TaskListener listener;
    /** For member pushes: whose devices, and which device to skip. */
    final long memberId;
    final String excludeKey;
    Lane lane;
    /** Lane thread only: comet sends still open, and whether one gave up. */
    int remaining;
    boolean failed;

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

    public PushMsg message() {
        return msg;
    }

    public String laneKey() {
        return laneKey;
    }

    boolean needsResolution() {
        return memberId != 0;
    }

    @Override
    public void run() {
        lane.accept(this);
    }

    /** Lane thread: finished without any send (no target, or resolution failed). */
    void finishWithoutSend(boolean ok) {
        listener.onDone(this, ok);
    }
}
