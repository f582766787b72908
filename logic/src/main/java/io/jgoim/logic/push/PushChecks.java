package io.jgoim.logic.push;

import com.google.protobuf.ByteString;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;

import static io.jgoim.logic.push.PushService.MAX_PUSH_ID;
import static io.jgoim.logic.push.PushService.MAX_TARGETS;
import static io.jgoim.logic.push.PushService.MIN_BUSINESS_OP;

/**
 * The checks of a push call's input, each throwing BAD_PARAMETER with the message the push API returns. Apart from
 * {@link PushService} so the service reads as routing and publishing; the limits themselves stay public constants
 * there, where callers look for them. Stateless.
 */
final class PushChecks {
    private PushChecks() {
    }

    static void checkOp(int operation) {
        if (operation < MIN_BUSINESS_OP) {
            throw new JgoimException(ErrorCode.BAD_PARAMETER,
                    "operation must be >= " + MIN_BUSINESS_OP + " (lower ops are protocol ops)");
        }
    }

    static void checkTargets(int n, String what) {
        if (n == 0) {
            throw new JgoimException(ErrorCode.BAD_PARAMETER, what + " is required");
        }
        if (n > MAX_TARGETS) {
            throw new JgoimException(ErrorCode.BAD_PARAMETER, "at most " + MAX_TARGETS + " " + what + " per push");
        }
    }

    static void checkMessage(ByteString message) {
        if (message == null || message.isEmpty()) {
            throw new JgoimException(ErrorCode.BAD_PARAMETER, "the message (request body) is empty");
        }
    }

    /** A caller's push id: null (none) or 1..{@link PushService#MAX_PUSH_ID} characters. */
    static void checkPushId(String pushId) {
        if (pushId != null && (pushId.isEmpty() || pushId.length() > MAX_PUSH_ID)) {
            throw new JgoimException(ErrorCode.BAD_PARAMETER, "id must be 1.." + MAX_PUSH_ID + " characters");
        }
    }
}
