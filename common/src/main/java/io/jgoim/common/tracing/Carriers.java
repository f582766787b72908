package io.jgoim.common.tracing;

import io.grpc.Metadata;
import io.netty.handler.codec.http.HttpHeaders;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;

import java.util.List;

/**
 * How a trace context is read from and written to the carriers between nodes: HTTP request headers (the push API),
 * gRPC metadata (job → comet, comet → logic). Kafka record headers have their own in logic and job (common does not
 * depend on Kafka). Stateless.
 */
public final class Carriers {
    private Carriers() {
    }

    public static final TextMapGetter<HttpHeaders> HTTP_HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpHeaders carrier) {
            return carrier.names();
        }

        @Override
        public String get(HttpHeaders carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    public static final TextMapGetter<Metadata> GRPC_GET = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Metadata carrier) {
            return carrier.keys();
        }

        @Override
        public String get(Metadata carrier, String key) {
            return carrier == null ? null : carrier.get(key(key));
        }
    };

    public static final TextMapSetter<Metadata> GRPC_SET = (carrier, key, value) -> {
        if (carrier != null) {
            carrier.put(key(key), value);
        }
    };

    /** Names of the headers a W3C trace context uses. */
    public static final List<String> FIELDS = List.of(Tracing.TRACEPARENT, "tracestate");

    /** The metadata key of {@code traceparent}, made once (a key is an object and the name's bytes). */
    public static final Metadata.Key<String> TRACEPARENT_KEY =
            Metadata.Key.of(Tracing.TRACEPARENT, Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> TRACESTATE_KEY =
            Metadata.Key.of("tracestate", Metadata.ASCII_STRING_MARSHALLER);

    private static Metadata.Key<String> key(String name) {
        if (Tracing.TRACEPARENT.equals(name)) {
            return TRACEPARENT_KEY;
        }
        return "tracestate".equals(name) ? TRACESTATE_KEY : Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }
}
