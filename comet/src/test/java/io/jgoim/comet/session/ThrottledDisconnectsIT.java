package io.jgoim.comet.session;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.jgoim.comet.logic.LogicChannels;
import io.jgoim.common.overload.AdaptiveThrottle;
import io.jgoim.common.overload.OverloadMeters;
import io.jgoim.common.overload.ThrottleConfig;
import io.jgoim.common.overload.ThrottlingInterceptor;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.rpc.ForwardingLogicService;
import io.jgoim.protocol.rpc.GrpcLogicClient;
import io.jgoim.protocol.rpc.LogicGrpcService;
import io.jgoim.protocol.rpc.logic.DisconnectReq;
import io.jgoim.protocol.rpc.logic.LogicGrpc;
import io.jgoim.testkit.FreePorts;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Disconnect that the comet's client-side throttle refuses locally is not an attempt: with one attempt allowed it is
 * held and offered again however often it is refused, is one request to the throttle meanwhile, and reaches logic
 * exactly once after logic recovers; the Disconnects that did reach the sick logic spend their one attempt and are
 * given up. Real gRPC over loopback: logic's service in front of the logic twin on a Netty server, the comet's
 * production channel to it ({@link LogicChannels#build}: round robin, health, the channel's own retries) with the
 * throttling interceptor, and a decorator between the queue and the client as the comet has when tracing is on. The
 * throttle is strict (k = 1, 4 requests before it refuses) and every draw is 0, so it refuses whenever its
 * probability is above 0: deterministic. Its clock can be moved on by a window (logic healthy for that long).
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class ThrottledDisconnectsIT {
    private static final String COMET = "comet-a";
    private static final Duration WINDOW = Duration.ofSeconds(60);

    private final LogicTwin logic = LogicTwin.create();
    private final HealthStatusManager health = new HealthStatusManager();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicLong skew = new AtomicLong();
    private final AdaptiveThrottle throttle = new AdaptiveThrottle(new ThrottleConfig(true, 1, WINDOW, 10, 4),
            () -> System.nanoTime() + skew.get(), () -> 0.0);
    private Server server;
    private ManagedChannel channel;
    private LogicDisconnects disconnects;

    @BeforeEach
    void start() throws Exception {
        int port = FreePorts.next();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(new LogicGrpcService(logic)).addService(health.getHealthService()).build().start();
        health.setStatus(LogicGrpc.SERVICE_NAME, HealthCheckResponse.ServingStatus.SERVING);
        ThrottlingInterceptor interceptor = new ThrottlingInterceptor(throttle,
                OverloadMeters.bindThrottle(meters, "comet", "logic", throttle));
        channel = LogicChannels.build("127.0.0.1:" + port, null, null, b -> b.usePlaintext().intercept(interceptor));
        GrpcLogicClient client = new GrpcLogicClient(channel, Duration.ofSeconds(10));
        // Connected before the test starts (not through the interceptor): a first call slower than its deadline
        // on a loaded machine would fail without reaching logic.
        await().atMost(Duration.ofSeconds(30)).until(() -> channel.getState(true) == ConnectivityState.READY);
        disconnects = new LogicDisconnects(new ForwardingLogicService(client) {
        }, 8, 10_000, 1, 10, 50, meters, key -> false, 0);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        logic.close();
    }

    private void route(int i, String key) {
        logic.directory().addSession(1_000 + i, key, COMET).join();
    }

    private static DisconnectReq req(int i, String key) {
        return DisconnectReq.newBuilder().setMid(1_000 + i).setKey(key).setServer(COMET).build();
    }

    private long callsFor(String key) {
        return List.copyOf(logic.disconnects()).stream().filter(d -> d.getKey().equals(key)).count();
    }

    private double refusals() {
        return meters.get("jgoim_comet_throttle_rejected").tag("peer", "logic").counter().count();
    }

    private double counter(String name) {
        return meters.get(name).counter().count();
    }

    /** Requests counted in the window, read back from p = requests / (requests + 1) while nothing is accepted. */
    private long requestsCounted() {
        double p = throttle.rejectProbability();
        return Math.round(p / (1 - p));
    }

    @Test
    void shouldHoldALocallyRefusedDisconnectWithoutSpendingItsAttemptAndDeliverItOnceLogicRecovers() {
        for (int i = 0; i < 4; i++) {
            route(i, "k" + i);
        }
        logic.down(ErrorCode.UNAVAILABLE);
        // Three calls reach the sick logic (the throttle refuses nothing below 4 requests): one attempt each, spent.
        for (int i = 0; i < 3; i++) {
            disconnects.submit(req(i, "k" + i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> disconnects.pending() == 0);
        assertThat(counter("jgoim.comet.disconnects.abandoned")).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(callsFor("k" + i)).as("k%d reached logic", i).isPositive();
        }
        assertThat(logic.serverOf("k0")).as("left to its ttl").isEqualTo(COMET);
        assertThat(refusals()).isZero();

        // The 4th request: p = 4/5, refused locally, and again at every re-offer; never given up, never sent.
        disconnects.submit(req(3, "k3"));
        await().atMost(Duration.ofSeconds(20)).until(() -> refusals() >= 20);
        logic.down(null); // logic is healthy again, but the throttle still counts the outage's requests
        double before = refusals();
        await().atMost(Duration.ofSeconds(20)).until(() -> refusals() >= before + 5);
        assertThat(callsFor("k3")).isZero();
        assertThat(disconnects.pending()).isEqualTo(1);
        assertThat(counter("jgoim.comet.disconnects.abandoned")).isEqualTo(3);
        assertThat(counter("jgoim.comet.disconnects.retried")).isZero();
        assertThat(requestsCounted()).as("one request however often it is offered").isEqualTo(4);

        skew.addAndGet(WINDOW.toNanos() + TimeUnit.SECONDS.toNanos(1)); // a window passes: the outage's counts leave
        await().atMost(Duration.ofSeconds(10)).until(() -> disconnects.pending() == 0);
        assertThat(callsFor("k3")).as("delivered exactly once").isEqualTo(1);
        assertThat(logic.serverOf("k3")).isNull();
        assertThat(counter("jgoim.comet.disconnects.abandoned")).isEqualTo(3);
        assertThat(counter("jgoim.comet.disconnects.retried")).isZero();
    }
}
