package io.jgoim.common.tracing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * Trace context in gRPC metadata. The client interceptor writes the calling thread's current context into the
 * call's headers ({@code traceparent}); the server interceptor reads it and makes it current while the service
 * handles the call, so the server's span is the caller's child. Both are installed only when tracing is enabled;
 * a call without {@code traceparent} (an old node, tracing off there) is served as before. Stateless, shared.
 */
public final class GrpcTracing {
    private GrpcTracing() {
    }

    public static ClientInterceptor client() {
        return CLIENT;
    }

    /** For a channel builder's {@code intercept(...)}: the client interceptor when {@code traced}, else none. */
    public static ClientInterceptor[] clientIf(boolean traced) {
        return traced ? new ClientInterceptor[] {CLIENT} : new ClientInterceptor[0];
    }

    public static ServerInterceptor server() {
        return SERVER;
    }

    /**
     * The server interceptor for a service that records spans only under a sampled caller (the comet's push
     * service): a call whose {@code traceparent} is absent, malformed or says "not sampled" is served as it is, with
     * nothing parsed or allocated for it ({@link Tracing#sampledFlag}); a sampled one as {@link #server()} serves it.
     */
    public static ServerInterceptor sampledOnly() {
        return SAMPLED_ONLY;
    }

    private static final ClientInterceptor CLIENT = new ClientInterceptor() {
        @Override
        public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<A> listener, Metadata headers) {
                    Tracing.inject(Context.current(), headers, Carriers.GRPC_SET);
                    super.start(listener, headers);
                }
            };
        }
    };

    private static final ServerInterceptor SAMPLED_ONLY = new ServerInterceptor() {
        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                          ServerCallHandler<Q, A> next) {
            if (Tracing.sampledFlag(headers.get(Carriers.TRACEPARENT_KEY)) != 1) {
                return next.startCall(call, headers);
            }
            return SERVER.interceptCall(call, headers, next);
        }
    };

    private static final ServerInterceptor SERVER = new ServerInterceptor() {
        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                          ServerCallHandler<Q, A> next) {
            Context context = Tracing.extract(headers, Carriers.GRPC_GET);
            if (!Span.fromContext(context).getSpanContext().isValid()) {
                return next.startCall(call, headers);
            }
            ServerCall.Listener<Q> delegate;
            try (Scope s = context.makeCurrent()) {
                delegate = next.startCall(call, headers);
            }
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
                @Override
                public void onMessage(Q message) {
                    try (Scope s = context.makeCurrent()) {
                        super.onMessage(message);
                    }
                }

                @Override
                public void onHalfClose() {
                    try (Scope s = context.makeCurrent()) {
                        super.onHalfClose();
                    }
                }
            };
        }
    };
}
