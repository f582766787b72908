package io.jgoim.job.dispatch;

import io.jgoim.protocol.Op;
import io.jgoim.protocol.push.PushMsg;

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
        switch (msg.getType()) {
            case PUSH:
                if (msg.getServer().isEmpty()) {
                    return "push without server";
                }
                if (msg.getKeysCount() == 0) {
                    return "push without keys";
                }
                for (int i = 0; i < msg.getKeysCount(); i++) {
                    if (msg.getKeys(i).isEmpty()) {
                        return "push with an empty key";
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
}
