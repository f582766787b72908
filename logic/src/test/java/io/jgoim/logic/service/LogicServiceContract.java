package io.jgoim.logic.service;

import com.google.protobuf.ByteString;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.logic.LogicConfig;
import io.jgoim.logic.auth.GoimTokenAuthenticator;
import io.jgoim.logic.node.NodeBalancer;
import io.jgoim.logic.online.OnlineAggregator;
import io.jgoim.logic.push.InMemoryPushPublisher;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.rpc.LogicService;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.logic.ConnectReply;
import io.jgoim.protocol.rpc.logic.ConnectReq;
import io.jgoim.protocol.rpc.logic.DisconnectReq;
import io.jgoim.protocol.rpc.logic.HeartbeatReq;
import io.jgoim.protocol.rpc.logic.NodesReply;
import io.jgoim.protocol.rpc.logic.NodesReq;
import io.jgoim.protocol.rpc.logic.OnlineReq;
import io.jgoim.protocol.rpc.logic.ReceiveReq;
import io.jgoim.protocol.rpc.logic.RefreshReply;
import io.jgoim.protocol.rpc.logic.RefreshReq;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What comet gets from logic whichever way it calls it: directly (standalone) or over gRPC (cluster). Both twins
 * front the same {@link LocalLogicService} over the in-memory session directory and node registry with a manual
 * clock, so every case is deterministic, and a difference between the twins is the transport's. Refusals keep
 * their {@link ErrorCode} across the transport: a refused token is a reply with {@code error_code}, a bad request a
 * failed future carrying a {@link JgoimException} with the same code.
 */
@Timeout(30)
abstract class LogicServiceContract {
    private static final Duration SESSION_TTL = Duration.ofMinutes(1);

    final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    final InMemorySessionDirectory directory = new InMemorySessionDirectory(SESSION_TTL, clock);
    final InMemoryPushPublisher upstream = new InMemoryPushPublisher();
    final InMemoryNodeRegistry nodes = new InMemoryNodeRegistry(clock);
    private final LogicConfig config = LogicConfig.load(null, Map.of());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final OnlineAggregator online = new OnlineAggregator(directory, Duration.ofMinutes(1), registry);
    private final LocalLogicService local = new LocalLogicService(config, new GoimTokenAuthenticator(), directory,
            upstream, online, new NodeBalancer(config.nodes(), nodes, clock), registry);
    private LogicService service;

    /** The twin under test, answering with {@code local}'s answers. */
    abstract LogicService open(LogicService local) throws Exception;

    /** Releases what {@link #open} made. */
    abstract void close();

    @BeforeEach
    void openTwin() throws Exception {
        service = open(local);
    }

    @AfterEach
    void closeTwin() {
        close();
    }

    private static ConnectReq connect(String server, String token) {
        return ConnectReq.newBuilder().setServer(server).setToken(ByteString.copyFromUtf8(token)).build();
    }

    private static ErrorCode failure(CompletableFuture<?> call) {
        Throwable t = catchThrowable(call::join);
        assertThat(Failures.unwrap(t)).isInstanceOf(JgoimException.class);
        return Failures.code(t, ErrorCode.UNKNOWN);
    }

    private Map<String, String> route(String key) {
        return directory.serversByKeys(List.of(key)).join();
    }

    @Test
    void shouldConnectAndReplyWithTheSessionsIdentity() {
        ConnectReply r = service.connect(connect("comet-a", "{\"mid\":9,\"key\":\"k9\",\"room_id\":\"live://1\","
                + "\"platform\":\"web\",\"accepts\":[1000,1001]}")).join();
        assertThat(r.getErrorCode()).isZero();
        assertThat(r.getErrorMessage()).isEmpty();
        assertThat(r.getMid()).isEqualTo(9);
        assertThat(r.getKey()).isEqualTo("k9");
        assertThat(r.getRoomId()).isEqualTo("live://1");
        assertThat(r.getPlatform()).isEqualTo("web");
        assertThat(r.getAcceptsList()).containsExactly(1000, 1001);
        assertThat(r.getHeartbeat()).isEqualTo(config.nodes().heartbeat().toSeconds());
        assertThat(route("k9")).isEqualTo(Map.of("k9", "comet-a"));
        assertThat(directory.keysByMids(List.of(9L)).join()).isEqualTo(Map.of("k9", "comet-a"));
    }

    @Test
    void shouldAnswerARefusedTokenWithItsErrorCodeAndRouteNothing() {
        ConnectReply r = service.connect(connect("comet-a", "{\"mid\":\"x\",\"key\":\"kx\"}")).join();
        assertThat(r.getErrorCode()).isEqualTo(ErrorCode.TOKEN_MALFORMED.code());
        assertThat(r.getErrorMessage()).isNotEmpty();
        assertThat(r.getKey()).isEmpty();
        assertThat(route("kx")).isEmpty();
    }

    @Test
    void shouldFailRequestsMissingTheirServerOrKeyWithBadParameter() {
        assertThat(failure(service.connect(ConnectReq.newBuilder()
                .setToken(ByteString.copyFromUtf8("{\"mid\":1,\"key\":\"k1\"}")).build())))
                .isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(failure(service.disconnect(DisconnectReq.newBuilder().setMid(1).setServer("comet-a").build())))
                .isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(failure(service.heartbeat(HeartbeatReq.newBuilder().setMid(1).setKey("k1").build())))
                .isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(failure(service.renewOnline(OnlineReq.newBuilder().putRoomCount("live://1", 1).build())))
                .isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(route("k1")).isEmpty();
    }

    @Test
    void shouldRefreshOnlyWithTheSessionMembersTokenKeepingTheCodeAcrossTheTransport() {
        RefreshReq.Builder req = RefreshReq.newBuilder().setServer("comet-a").setMid(9).setKey("k9");
        RefreshReply ok = service.refresh(req.setToken(ByteString.copyFromUtf8("{\"mid\":9}")).build()).join();
        assertThat(ok.getErrorCode()).isZero();
        assertThat(ok.getExpiresAtMs()).as("a goim token never expires").isZero();
        RefreshReply other = service.refresh(req.setToken(ByteString.copyFromUtf8("{\"mid\":10}")).build()).join();
        assertThat(other.getErrorCode()).isEqualTo(ErrorCode.TOKEN_WRONG_MEMBER.code());
        assertThat(other.getErrorMessage()).isNotEmpty();
        assertThat(failure(service.refresh(req.setKey("").build()))).isEqualTo(ErrorCode.BAD_PARAMETER);
    }

    @Test
    void shouldDisconnectOnlyTheServersSessionAndSayWhetherItHadOne() {
        service.connect(connect("comet-a", "{\"mid\":9,\"key\":\"k9\"}")).join();
        assertThat(service.disconnect(DisconnectReq.newBuilder().setMid(9).setKey("k9").setServer("comet-b")
                .build()).join().getHas()).isFalse();
        assertThat(route("k9")).isEqualTo(Map.of("k9", "comet-a"));
        assertThat(service.disconnect(DisconnectReq.newBuilder().setMid(9).setKey("k9").setServer("comet-a")
                .build()).join().getHas()).isTrue();
        assertThat(route("k9")).isEmpty();
        assertThat(service.disconnect(DisconnectReq.newBuilder().setMid(9).setKey("k9").setServer("comet-a")
                .build()).join().getHas()).isFalse();
    }

    @Test
    void shouldRenewTheRouteOnHeartbeatAndReAddItOnceExpired() {
        HeartbeatReq beat = HeartbeatReq.newBuilder().setMid(3).setKey("k3").setServer("comet-a").build();
        service.connect(connect("comet-a", "{\"mid\":3,\"key\":\"k3\"}")).join();
        clock.advance(SESSION_TTL.multipliedBy(2).dividedBy(3));
        service.heartbeat(beat).join();
        clock.advance(SESSION_TTL.multipliedBy(2).dividedBy(3)); // past the first expiry, within the renewed one
        assertThat(route("k3")).isEqualTo(Map.of("k3", "comet-a"));

        clock.advance(SESSION_TTL); // the heartbeats stopped reaching logic: the route expired
        assertThat(route("k3")).isEmpty();
        service.heartbeat(beat).join();
        assertThat(route("k3")).isEqualTo(Map.of("k3", "comet-a"));
        assertThat(directory.keysByMids(List.of(3L)).join()).isEqualTo(Map.of("k3", "comet-a"));
    }

    @Test
    void shouldStoreRoomCountsAndAnswerWithTheClustersCounts() {
        directory.putOnline("comet-b", Map.of("live://1", 4, "live://2", 1), Duration.ofMinutes(1)).join();
        service.renewOnline(OnlineReq.newBuilder().setServer("comet-a").putRoomCount("live://1", 2).build()).join();
        online.refresh().join();
        Map<String, Integer> all = service.renewOnline(OnlineReq.newBuilder().setServer("comet-a")
                .putRoomCount("live://1", 2).build()).join().getAllRoomCountMap();
        assertThat(all).isEqualTo(Map.of("live://1", 6, "live://2", 1));
    }

    @Test
    void shouldPublishUpstreamMessagesKeyedBySessionKeyElseMid() {
        ReceiveReq withKey = ReceiveReq.newBuilder().setMid(5).setKey("k5").setServer("comet-a")
                .setProto(Proto.newBuilder().setOp(4).setBody(ByteString.copyFromUtf8("hi"))).build();
        ReceiveReq withoutKey = ReceiveReq.newBuilder().setMid(6).setServer("comet-a")
                .setProto(Proto.newBuilder().setOp(1000).setBody(ByteString.copyFromUtf8("yo"))).build();
        service.receive(withKey).join();
        service.receive(withoutKey).join();
        List<InMemoryPushPublisher.Record> records = upstream.records();
        assertThat(records).hasSize(2);
        assertThat(records.get(0).key()).isEqualTo("k5");
        assertThat(records.get(0).upstream()).isEqualTo(withKey.toByteArray());
        assertThat(records.get(1).key()).isEqualTo("6");
        assertThat(records.get(1).upstream()).isEqualTo(withoutKey.toByteArray());
    }

    @Test
    void shouldOfferLiveCometsForThePlatform() {
        nodes.register(new NodeInfo("comet-x", "local", 10, List.of("10.0.0.1:3101"), List.of("10.0.0.1:3102"),
                List.of(), "10.0.0.1:3109", 5, false, clock.millis()), Duration.ofMinutes(1)).join();
        nodes.register(new NodeInfo("comet-y", "local", 10, List.of("10.0.0.2:3101"), List.of("10.0.0.2:3102"),
                List.of(), "10.0.0.2:3109", 0, true, clock.millis()), Duration.ofMinutes(1)).join();
        NodesReply web = service.nodes(NodesReq.newBuilder().setPlatform("web").setClientIp("10.1.1.1").build())
                .join();
        assertThat(web.getNodesList()).containsExactly("10.0.0.1:3102");
        assertThat(web.getHeartbeat()).isEqualTo(config.nodes().heartbeat().toSeconds());
        assertThat(service.nodes(NodesReq.newBuilder().setPlatform("android").build()).join().getNodesList())
                .containsExactly("10.0.0.1:3101");
    }

    /** A clock the test moves; read by the directory, the registry and the balancer. */
    static final class ManualClock extends Clock {
        private volatile Instant now;

        ManualClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
