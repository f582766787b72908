package io.jgoim.protocol.rpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.JgoimException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/** Bridges between gRPC's observers and {@link CompletableFuture}, and between gRPC status and {@link ErrorCode}. */
public final class Rpc {
    private Rpc() {
    }

    /** An observer that completes {@code future} with the single reply, or fails it with a {@link JgoimException}. */
    public static <T> StreamObserver<T> completing(CompletableFuture<T> future) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                future.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                future.completeExceptionally(toJgoim(t));
            }

            @Override
            public void onCompleted() {
                if (!future.isDone()) {
                    future.completeExceptionally(new JgoimException(ErrorCode.INTERNAL, "call completed without a reply"));
                }
            }
        };
    }

    /** Sends the outcome of {@code future} to a server-side {@code observer}. */
    public static <T> void reply(CompletableFuture<T> future, StreamObserver<T> observer) {
        future.whenComplete((value, error) -> {
            if (error != null) {
                observer.onError(toStatus(error).asRuntimeException());
            } else {
                observer.onNext(value);
                observer.onCompleted();
            }
        });
    }

    /** The gRPC status for an exception thrown inside jgoim; the description starts with the numeric code. */
    public static Status toStatus(Throwable error) {
        Throwable t = unwrap(error);
        ErrorCode code = t instanceof JgoimException ? ((JgoimException) t).code() : ErrorCode.INTERNAL;
        Status status;
        switch (code) {
            case UNAVAILABLE:
                status = Status.UNAVAILABLE;
                break;
            case TIMEOUT:
                status = Status.DEADLINE_EXCEEDED;
                break;
            case RATE_LIMITED:
            case SLOW_CONSUMER:
            case OVERLOADED:
                status = Status.RESOURCE_EXHAUSTED;
                break;
            case BAD_PARAMETER:
            case BAD_ROOM:
            case BAD_OPS:
                status = Status.INVALID_ARGUMENT;
                break;
            default:
                status = Status.INTERNAL;
        }
        return status.withDescription(code.code() + ":" + t.getMessage()).withCause(t);
    }

    /** The jgoim exception for a gRPC failure, so callers see one error model whatever the transport. */
    public static JgoimException toJgoim(Throwable error) {
        Throwable t = unwrap(error);
        if (t instanceof JgoimException) {
            return (JgoimException) t;
        }
        if (t instanceof TimeoutException) {
            return new JgoimException(ErrorCode.TIMEOUT, t.getMessage(), t);
        }
        if (t instanceof StatusRuntimeException) {
            Status s = ((StatusRuntimeException) t).getStatus();
            ErrorCode code = codeFromDescription(s.getDescription());
            if (code == null) {
                switch (s.getCode()) {
                    case UNAVAILABLE:
                    case CANCELLED:
                        code = ErrorCode.UNAVAILABLE;
                        break;
                    case DEADLINE_EXCEEDED:
                        code = ErrorCode.TIMEOUT;
                        break;
                    case RESOURCE_EXHAUSTED:
                        code = ErrorCode.RATE_LIMITED;
                        break;
                    case INVALID_ARGUMENT:
                        code = ErrorCode.BAD_PARAMETER;
                        break;
                    default:
                        code = ErrorCode.INTERNAL;
                }
            }
            return new JgoimException(code, describe(s), t);
        }
        return new JgoimException(ErrorCode.INTERNAL, String.valueOf(t), t);
    }

    /**
     * A status on one line: its code, description and the cause's own message. {@code Status.toString()} carries the
     * cause's whole stack trace, which a caller that logs the message would then print on every failed call.
     */
    static String describe(Status s) {
        StringBuilder b = new StringBuilder(s.getCode().name());
        if (s.getDescription() != null) {
            b.append(": ").append(s.getDescription());
        }
        Throwable cause = s.getCause();
        if (cause != null) {
            b.append(" (").append(cause).append(')');
        }
        return b.toString();
    }

    private static ErrorCode codeFromDescription(String description) {
        if (description == null) {
            return null;
        }
        int colon = description.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        try {
            ErrorCode c = ErrorCode.of(Integer.parseInt(description.substring(0, colon)));
            return c == ErrorCode.UNKNOWN ? null : c;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Throwable unwrap(Throwable t) {
        return Failures.unwrap(t);
    }
}
