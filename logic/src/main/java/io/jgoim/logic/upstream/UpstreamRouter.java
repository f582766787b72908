package io.jgoim.logic.upstream;

import io.jgoim.common.metrics.HistogramBuckets;
import io.jgoim.logic.backend.BackendConfig;
import io.jgoim.logic.backend.BackendHttp;
import io.jgoim.logic.push.UpstreamPublisher;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.rpc.logic.ReceiveReply;
import io.jgoim.protocol.rpc.logic.ReceiveReq;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Routes an upstream message to the handler of the first route whose ops contain its op; an op no route names goes
 * to the {@code kafka} kind (goim's behaviour: publish to the upstream topic, empty reply). Counts every message by
 * kind and outcome ({@code jgoim.logic.upstream.routed{kind,code}}) and times http routes. Thread-safe; owns the
 * shared HTTP client of the http routes ({@link #close()}).
 */
public final class UpstreamRouter implements AutoCloseable {
    private final OpSet[] ops;
    private final UpstreamHandler[] handlers;
    private final String[] kinds;
    private final UpstreamHandler fallback;
    private final BackendHttp httpOrNull;
    private final MeterRegistry registry;
    /** Null when no route is of kind http. */
    private final Timer httpLatency;
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();

    private UpstreamRouter(UpstreamConfig config, UpstreamPublisher kafka, CommentSink comments, Clock clock,
                           MeterRegistry registry) {
        this.registry = registry;
        Counter published = Counter.builder("jgoim.logic.upstream.messages")
                .description("upstream client messages published").register(registry);
        this.fallback = new KafkaUpstream(kafka, published);
        boolean anyHttp = config.routes().stream().anyMatch(r -> UpstreamConfig.HTTP.equals(r.kind()));
        this.httpOrNull = anyHttp ? new BackendHttp("upstream", config.http()) : null;
        if (httpOrNull != null) {
            Gauge.builder("jgoim.logic.upstream.http.inflight", httpOrNull, BackendHttp::inFlight)
                    .description("upstream http requests admitted and not yet answered: on a connection or waiting"
                            + " for one (at most upstream.http.maxInFlight)")
                    .register(registry);
        }
        // Like the inflight gauge, only where an http route exists: 20 lines of zeros on every scrape otherwise.
        this.httpLatency = httpOrNull == null ? null : HistogramBuckets.call(
                Timer.builder("jgoim.logic.upstream.http.latency")
                        .description("upstream http route: request until the backend's reply (or failure)"))
                .register(registry);
        int n = config.routes().size();
        this.ops = new OpSet[n];
        this.handlers = new UpstreamHandler[n];
        this.kinds = new String[n];
        for (int i = 0; i < n; i++) {
            UpstreamConfig.Route r = config.routes().get(i);
            ops[i] = r.opSet();
            kinds[i] = r.kind();
            handlers[i] = switch (r.kind()) {
                case UpstreamConfig.HTTP -> new HttpUpstream(httpOrNull,
                        BackendConfig.url(r.url(), "upstream.routes[].url"));
                case UpstreamConfig.COMMENT -> new CommentUpstream(comments, config.comment().maxContentBytes(),
                        clock);
                default -> fallback;
            };
        }
    }

    /** The routes of {@code config}; {@code kafka} serves the kafka kind, {@code comments} the comment kind. */
    public static UpstreamRouter of(UpstreamConfig config, UpstreamPublisher kafka, CommentSink comments,
                                    MeterRegistry registry) {
        return new UpstreamRouter(config, kafka, comments, Clock.systemUTC(), registry);
    }

    public CompletableFuture<ReceiveReply> route(ReceiveReq request) {
        int op = request.getProto().getOp();
        for (int i = 0; i < ops.length; i++) {
            if (ops[i].contains(op)) {
                return handle(kinds[i], handlers[i], request);
            }
        }
        return handle(UpstreamConfig.KAFKA, fallback, request);
    }

    private CompletableFuture<ReceiveReply> handle(String kind, UpstreamHandler handler, ReceiveReq request) {
        long start = System.nanoTime();
        CompletableFuture<ReceiveReply> reply;
        try {
            reply = handler.handle(request);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        return reply.whenComplete((r, e) -> {
            if (handler instanceof HttpUpstream) {
                httpLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
            ErrorCode code = e != null ? io.jgoim.protocol.Failures.code(io.jgoim.protocol.Failures.unwrap(e),
                    ErrorCode.UNAVAILABLE) : ErrorCode.of(r.getErrorCode());
            outcome(kind, code).increment();
        });
    }

    private Counter outcome(String kind, ErrorCode code) {
        return outcomes.computeIfAbsent(kind + code.code(), k -> Counter.builder("jgoim.logic.upstream.routed")
                .description("upstream messages by route kind and outcome code (OK = answered)")
                .tag("kind", kind).tag("code", code.name()).register(registry));
    }

    @Override
    public void close() {
        if (httpOrNull != null) {
            httpOrNull.close();
        }
    }
}
