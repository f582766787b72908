package io.jgoim.common.overload;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.jgoim.protocol.rpc.ThrottleTicket;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * comet → logic: the interceptor counts each application call once (a call refused locally fails at once and is never
 * offered again by the interceptor; the comet's next Heartbeat or the client's reconnect is a new call), so a peer
 * that recovers gets its full rate back (at a sustained call rate, after about window / 2 × ln(requests per window):
 * more than two windows at 1 000 calls a window; the figure is printed). Injected clock; a channel whose calls close with the
 * status the test sets. k = 2, a 1 s window of 10 buckets, minRequests 10.
 */
class ThrottlingInterceptorTest {
    private static final long MS = 1_000_000L;
    private static final MethodDescriptor.Marshaller<String> STRINGS = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes());
        }

        @Override
        public String parse(InputStream stream) {
            return "";
        }
    };
    private static final MethodDescriptor<String, String> METHOD = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("jgoim.Logic/Heartbeat")
            .setRequestMarshaller(STRINGS).setResponseMarshaller(STRINGS).build();

    private long now = 10_000 * MS;
    private Status answer = Status.UNAVAILABLE;
    private int reachedPeer;
    private final Random draws = new Random(3);
    private final AdaptiveThrottle throttle = new AdaptiveThrottle(
            new ThrottleConfig(true, 2, Duration.ofSeconds(1), 10, 10), () -> now, draws::nextDouble);
    private final Counter rejected = new SimpleMeterRegistry().counter("rejected");
    private final ThrottlingInterceptor interceptor = new ThrottlingInterceptor(throttle, rejected);

    private final Channel peer = new Channel() {
        @Override
        public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
            reachedPeer++;
            return new ClosedCall<>(answer); // the peer answers at once
        }

        @Override
        public String authority() {
            return "logic";
        }
    };

    /** One call with {@code options}; true when it reached the peer. */
    private boolean offer(CallOptions options) {
        int before = reachedPeer;
        interceptor.interceptCall(METHOD, options, peer).start(new ClientCall.Listener<>() {
        }, new Metadata());
        return reachedPeer > before;
    }

    /** Requests counted in the window, read back from p = requests / (requests + 1) while nothing is accepted. */
    private long requestsCounted() {
        double p = throttle.rejectProbability();
        return Math.round(p / (1 - p));
    }

    /** {@code calls} calls spread over {@code nanos}; returns how many reached the peer. */
    private int call(int calls, long nanos) {
        return call(calls, nanos, peer);
    }

    private int call(int calls, long nanos, Channel peer) {
        int before = reachedPeer;
        for (int i = 0; i < calls; i++) {
            now += nanos / calls;
            ClientCall<String, String> c = interceptor.interceptCall(METHOD, CallOptions.DEFAULT, peer);
            c.start(new ClientCall.Listener<>() {
            }, new Metadata());
        }
        return reachedPeer - before;
    }

    @Test
    void shouldCountEachCallOnceAndRestoreTheFullRateOnceThePeerRecovers() {
        int first = call(1_000, 1_000 * MS); // the peer refuses everything for a window
        int sick = call(1_000, 1_000 * MS);
        System.out.printf("interceptor: peer down: %d then %d of 1000 calls reached it; %.0f refused locally%n",
                first, sick, rejected.count());
        assertThat(sick).isLessThan(30); // a trickle: k × accepts (0) + minRequests, with some luck
        assertThat(rejected.count()).isEqualTo(2_000 - first - sick); // each refusal counted once
        assertThat(throttle.rejectProbability()).isGreaterThan(0.9);

        answer = Status.OK; // the peer recovers
        int windows = 0;
        while (throttle.rejectProbability() > 0 && windows < 10) {
            call(1_000, 1_000 * MS);
            windows++;
        }
        // Each call is a new request here (nothing is re-offered), so recovery follows SRE's own curve: about
        // window / 2 × ln(requests in the outage's window) — more than two windows at 1 000 calls a window.
        System.out.printf("interceptor: full rate back %d windows after the peer recovered%n", windows);
        assertThat(windows).isBetween(1, 5);
        double refusedBefore = rejected.count();
        assertThat(call(1_000, 1_000 * MS)).as("once open, every call goes").isEqualTo(1_000);
        assertThat(rejected.count()).isEqualTo(refusedBefore);
    }

    @Test
    void shouldPassAnExemptMethodUntouchedWhileTheThrottleRefusesTheRest() {
        MethodDescriptor<String, String> upkeep = METHOD.toBuilder().setFullMethodName("jgoim.Logic/RenewOnline")
                .build();
        ThrottlingInterceptor withExempt = new ThrottlingInterceptor(throttle, rejected,
                java.util.Set.of(upkeep.getFullMethodName()));
        call(1_000, 1_000 * MS); // the peer refuses everything: the throttle now refuses nearly every call
        assertThat(throttle.rejectProbability()).isGreaterThan(0.9);
        double refused = rejected.count();
        double p = throttle.rejectProbability();
        int before = reachedPeer;
        for (int i = 0; i < 20; i++) {
            withExempt.interceptCall(upkeep, CallOptions.DEFAULT, peer).start(new ClientCall.Listener<>() {
            }, new Metadata());
        }
        assertThat(reachedPeer - before).as("every exempt call reaches the peer").isEqualTo(20);
        assertThat(rejected.count()).isEqualTo(refused);
        assertThat(throttle.rejectProbability()).as("and counts nothing").isEqualTo(p);
        int others = 0;
        for (int i = 0; i < 100; i++) {
            int b = reachedPeer;
            withExempt.interceptCall(METHOD, CallOptions.DEFAULT, peer).start(new ClientCall.Listener<>() {
            }, new Metadata());
            others += reachedPeer - b;
        }
        assertThat(others).as("other methods are still throttled").isLessThan(20);
    }

    @Test
    void shouldNotTakeASlowPeersCallsInFlightForRefusals() {
        // A peer that answers after seconds (a cold logic at the start of a connect storm): 1 000 calls in flight and
        // none answered yet is no sign of refusal. Counted as requests without accepts, they refused nearly every call
        // past the first minRequests (issue 19).
        List<HeldCall<?, ?>> held = new ArrayList<>();
        Channel slow = new Channel() {
            @Override
            public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
                reachedPeer++;
                HeldCall<Q, R> c = new HeldCall<>();
                held.add(c);
                return c;
            }

            @Override
            public String authority() {
                return "logic";
            }
        };
        assertThat(call(1_000, 1_000 * MS, slow)).isEqualTo(1_000);
        assertThat(rejected.count()).isZero();
        assertThat(throttle.inFlight()).isEqualTo(1_000);
        held.forEach(c -> c.close(Status.OK));
        assertThat(throttle.inFlight()).isZero();
        assertThat(call(1_000, 1_000 * MS, slow)).as("answered late, but answered").isEqualTo(1_000);

        // The same calls timing out are refusals once their outcome is known: the next ones are throttled.
        held.forEach(c -> c.close(Status.DEADLINE_EXCEEDED));
        assertThat(call(1_000, 1_000 * MS, slow)).isLessThan(100);
        assertThat(rejected.count()).isGreaterThan(900);
    }

    @Test
    void shouldCountAnAnswerWithAnApplicationErrorAsAccepted() {
        answer = Status.PERMISSION_DENIED;
        assertThat(call(1_000, 1_000 * MS)).isEqualTo(1_000);
        assertThat(rejected.count()).isZero();
    }

    @Test
    void shouldCountACallOfferedAgainWithItsTicketOncePerWindowAndRecordItsRefusals() {
        for (int i = 0; i < 99; i++) {
            throttle.tryAcquire(0.0); // sent, never accepted: the peer looks down
        }
        ThrottleTicket ticket = new ThrottleTicket();
        CallOptions options = CallOptions.DEFAULT.withOption(ThrottleTicket.KEY, ticket);
        assertThat(offer(options)).isFalse(); // the 100th request: p = 100/101; its draw (Random(3)), 0.73
        assertThat(ticket.isRefusedLocally()).isTrue();
        double draw = ticket.draw();
        long countedAt = ticket.countedAt();
        for (int i = 0; i < 50; i++) {
            now += MS;
            assertThat(offer(options)).isFalse();
        }
        assertThat(ticket.refusals()).isEqualTo(51);
        assertThat(rejected.count()).isEqualTo(51);
        assertThat(requestsCounted()).as("one request however often it is offered").isEqualTo(100);
        assertThat(ticket.draw()).isEqualTo(draw);
        assertThat(ticket.countedAt()).isEqualTo(countedAt);
        assertThat(reachedPeer).isZero();

        now += 1_100 * MS; // the window passes: the next offer is a new request with a new draw
        answer = Status.OK;
        assertThat(offer(options)).isTrue(); // alone in the window: below minRequests
        assertThat(ticket.isRefusedLocally()).isFalse();
        assertThat(ticket.countedAt()).isGreaterThan(countedAt);
        assertThat(requestsCounted()).isZero(); // 1 request, 1 accept
        assertThat(offer(CallOptions.DEFAULT)).isTrue(); // a call without a ticket: a new request each time
        assertThat(rejected.count()).isEqualTo(51);
    }

    /** A call the peer answers when the test says so (once; later closes are ignored). */
    private static final class HeldCall<Q, R> extends ClientCall<Q, R> {
        private Listener<R> listener;

        void close(Status status) {
            if (listener != null) {
                Listener<R> l = listener;
                listener = null;
                l.onClose(status, new Metadata());
            }
        }

        @Override
        public void start(Listener<R> listener, Metadata headers) {
            this.listener = listener;
        }

        @Override
        public void request(int numMessages) {
        }

        @Override
        public void cancel(String message, Throwable cause) {
        }

        @Override
        public void halfClose() {
        }

        @Override
        public void sendMessage(Q message) {
        }
    }
}
