package io.jgoim.logic.upstream;

import com.google.protobuf.UnsafeByteOperations;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.rpc.logic.ReceiveReply;

import java.util.concurrent.CompletableFuture;

/** Builds Receive replies: a body for the client, or an error code with its message. */
public final class Replies {
    /** goim's answer: an empty body. */
    public static final ReceiveReply EMPTY = ReceiveReply.getDefaultInstance();

    private Replies() {
    }

    /** A reply carrying {@code body} (not copied: the caller must not change it afterwards). */
    public static ReceiveReply body(byte[] body) {
        return body.length == 0 ? EMPTY : ReceiveReply.newBuilder().setBody(UnsafeByteOperations.unsafeWrap(body))
                .build();
    }

    public static ReceiveReply error(ErrorCode code, String message) {
        return ReceiveReply.newBuilder().setErrorCode(code.code()).setErrorMessage(message).build();
    }

    public static CompletableFuture<ReceiveReply> failed(ErrorCode code, String message) {
        return CompletableFuture.completedFuture(error(code, message));
    }

    /** A failure as an error reply (a JgoimException keeps its code, anything else is UNAVAILABLE). */
    public static ReceiveReply of(Throwable error) {
        Throwable t = Failures.unwrap(error);
        return error(Failures.code(t, ErrorCode.UNAVAILABLE), String.valueOf(t.getMessage()));
    }
}
