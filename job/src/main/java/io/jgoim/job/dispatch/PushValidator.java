package io.jgoim.job.dispatch;

import io.jgoim.protocol.Op;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.stream.StreamPosition;

import java.util.Locale;

/**
 * Checks a decoded {@link PushMsg} before it is dispatched. A bad message is refused with a reason (Kafka: dead-letter
 * topic; in-process bus: a BAD_PARAMETER failure) and never reaches a comet. Stateless.
 */
public final class PushValidator {
    private PushValidator() {
    }

    /** The reason {@code msg} cannot be pushed, or null when it can. */
    public static String check(PushMsg msg) {
        if (msg.getOperation() < 0 || msg.getOperation() == Op.RAW) {
            return "operation " + msg.getOperation() + " may not be pushed";
        }
        String position = checkPosition(msg);
        if (position != null) {
            return position;
        }
        switch (msg.getType()) {
            case PUSH:
                if (msg.getServer().isEmpty()) {
                    return "push without server";
                }
                if (msg.getKeysCount() == 0 && msg.getAdvanceKeysCount() == 0) {
                    return "push without keys";
                }
                if (msg.getAdvanceKeysCount() > 0 && msg.getOffset() == 0) {
                    return "advance_keys without a stream position";
                }
                for (int i = 0; i < msg.getKeysCount(); i++) {
                    if (msg.getKeys(i).isEmpty()) {
                        return "push with an empty key";
                    }
                }
                for (int i = 0; i < msg.getAdvanceKeysCount(); i++) {
                    if (msg.getAdvanceKeys(i).isEmpty()) {
                        return "push with an empty advance key";
                    }
                }
                return null;
            case ROOM:
                return msg.getRoom().isEmpty() ? "room push without room" : null;
            case BROADCAST:
                return msg.getSpeed() < 0 ? "broadcast with negative speed " + msg.getSpeed() : null;
            default:
                return "unknown push type " + msg.getTypeValue();
        }
    }

    /**
     * A position (fields 9-11) is logic's sequencing of a member push: all three set, on a push to keys, for a
     * member stream. Anything else would reach comets as a position no stream has.
     */
    private static String checkPosition(PushMsg msg) {
        if (msg.getStream().isEmpty() && msg.getEpoch() == 0 && msg.getOffset() == 0) {
            return null;
        }
        if (msg.getType() != PushMsg.Type.PUSH) {
            return "stream position on a " + msg.getType().name().toLowerCase(Locale.ROOT) + " push";
        }
        if (!StreamPosition.isMemberStream(msg.getStream())) {
            return "stream position for '" + msg.getStream() + "', not a member stream";
        }
        if (msg.getEpoch() == 0 || msg.getOffset() == 0) {
            return "incomplete stream position: epoch " + Long.toUnsignedString(msg.getEpoch()) + ", offset "
                    + Long.toUnsignedString(msg.getOffset());
        }
        return null;
    }
}
