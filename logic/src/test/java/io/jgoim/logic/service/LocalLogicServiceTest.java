package io.jgoim.logic.service;

import com.google.protobuf.ByteString;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.logic.LogicConfig;
import io.jgoim.logic.auth.GoimTokenAuthenticator;
import io.jgoim.logic.node.NodeBalancer;
import io.jgoim.logic.online.OnlineAggregator;
import io.jgoim.logic.push.InMemoryPushPublisher;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.rpc.logic.ConnectReply;
import io.jgoim.protocol.rpc.logic.ConnectReq;
import io.jgoim.protocol.rpc.logic.DisconnectReq;
import io.jgoim.protocol.rpc.logic.HeartbeatReq;
import io.jgoim.protocol.rpc.logic.OnlineReq;
import io.jgoim.protocol.rpc.logic.ReceiveReq;
import io.jgoim.protocol.rpc.comet.Proto;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class LocalLogicServiceTest {
    private final LogicConfig config = LogicConfig.load(null, Map.of());
    private final InMemorySessionDirectory directory = new InMemorySessionDirectory(Duration.ofMinutes(1));
    private final InMemoryPushPublisher upstream = new InMemoryPushPublisher();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final OnlineAggregator online = new OnlineAggregator(directory, Duration.ofMinutes(1), registry);
    private final LocalLogicService service = new LocalLogicService(config, new GoimTokenAuthenticator(), directory,
            upstream, online, new NodeBalancer(config.nodes(), new InMemoryNodeRegistry(), Clock.systemUTC()),
            registry);

    private static ConnectReq connect(String token) {
        return ConnectReq.newBuilder().setServer("comet-a").setToken(ByteString.copyFromUtf8(token)).build();
    }

    @Test
    void shouldAuthenticateAndRouteSession() {
        ConnectReply r = service.connect(connect("{\"mid\":9,\"key\":\"k9\",\"room_id\":\"live://1\","
                + "\"platform\":\"web\",\"accepts\":[1000]}")).join();
        assertThat(r.getErrorCode()).isZero();
        assertThat(r.getMid()).isEqualTo(9);
        assertThat(r.getKey()).isEqualTo("k9");
        assertThat(r.getRoomId()).isEqualTo("live://1");
        assertThat(r.getPlatform()).isEqualTo("web");
        assertThat(r.getAcceptsList()).containsExactly(1000);
        assertThat(r.getHeartbeat()).isEqualTo(240);
        assertThat(directory.keysByMids(List.of(9L)).join()).isEqualTo(Map.of("k9", "comet-a"));
        assertThat(registry.get("jgoim.logic.sessions.connected").counter().count()).isEqualTo(1.0);
    }

    /** Issue 19: a Connect whose comet gave up while it waited in logic is not done (no stale route). */
    @Test
    void shouldNotAuthenticateNorRouteAConnectWhoseCallerDeadlinePassed() throws Exception {
        java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor();
        try {
            io.grpc.Context.CancellableContext late = io.grpc.Context.current().withDeadline(
                    io.grpc.Deadline.after(-1, java.util.concurrent.TimeUnit.MILLISECONDS), timer);
            java.util.concurrent.CompletableFuture<ConnectReply> r = late.call(() -> service.connect(connect(
                    "{\"mid\":9,\"key\":\"late\",\"room_id\":\"live://1\",\"accepts\":[1000]}")));
            CompletionException e = catchThrowableOfType(CompletionException.class, r::join);
            assertThat(((JgoimException) e.getCause()).code()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(directory.serversByKeys(List.of("late")).join()).isEmpty();
            assertThat(registry.get("jgoim.logic.connects.expired").counter().count()).isEqualTo(1.0);
            io.grpc.Context.CancellableContext inTime = io.grpc.Context.current().withDeadline(
                    io.grpc.Deadline.after(1, java.util.concurrent.TimeUnit.MINUTES), timer);
            assertThat(inTime.call(() -> service.connect(connect("{\"mid\":9,\"key\":\"in-time\"}"))).join()
                    .getErrorCode()).isZero();
            assertThat(directory.serversByKeys(List.of("in-time")).join()).containsKey("in-time");
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void shouldReplyWithErrorCodeForRefusedTokenAndRouteNothing() {
        ConnectReply r = service.connect(connect("garbage")).join();
        assertThat(r.getErrorCode()).isEqualTo(ErrorCode.TOKEN_MALFORMED.code());
        assertThat(r.getErrorMessage()).isNotEmpty();
        assertThat(registry.get("jgoim.logic.auth.refused").tag("code", "TOKEN_MALFORMED").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldRefuseARoomIdNoPushCouldNameAndRouteNothing() {
        for (String room : List.of("live://1\\u0000", "live://a\\nb", "live://" + "r".repeat(300))) {
            ConnectReply r = service.connect(connect("{\"mid\":9,\"key\":\"odd\",\"room_id\":\"" + room
                    + "\",\"accepts\":[1000]}")).join();
            assertThat(r.getErrorCode()).as(room).isEqualTo(ErrorCode.BAD_ROOM.code());
            assertThat(r.getErrorMessage()).contains("1-256 bytes of UTF-8 without control characters");
        }
        assertThat(directory.serversByKeys(List.of("odd")).join()).isEmpty();
        assertThat(service.connect(connect("{\"mid\":9,\"key\":\"odd\",\"room_id\":\"live://\u76f4\u64ad\"}"))
                .join().getErrorCode()).as("UTF-8 beyond ASCII").isZero();
    }

    @Test
    void shouldRefuseConnectWithoutServer() {
        CompletionException e = catchThrowableOfType(CompletionException.class,
                () -> service.connect(ConnectReq.newBuilder().setToken(ByteString.copyFromUtf8("{}")).build()).join());
        assertThat(((JgoimException) e.getCause()).code()).isEqualTo(ErrorCode.BAD_PARAMETER);
    }

    @Test
    void shouldDisconnectOnlyTheServersSession() {
        service.connect(connect("{\"mid\":9,\"key\":\"k9\"}")).join();
        assertThat(service.disconnect(DisconnectReq.newBuilder().setMid(9).setKey("k9").setServer("comet-b")
                .build()).join().getHas()).isFalse();
        assertThat(service.disconnect(DisconnectReq.newBuilder().setMid(9).setKey("k9").setServer("comet-a")
                .build()).join().getHas()).isTrue();
        assertThat(directory.serversByKeys(List.of("k9")).join()).isEmpty();
    }

    @Test
    void shouldReAddExpiredRouteOnHeartbeat() {
        service.heartbeat(HeartbeatReq.newBuilder().setMid(3).setKey("k3").setServer("comet-a").build()).join();
        assertThat(directory.serversByKeys(List.of("k3")).join()).isEqualTo(Map.of("k3", "comet-a"));
        CompletionException e = catchThrowableOfType(CompletionException.class,
                () -> service.heartbeat(HeartbeatReq.newBuilder().setMid(3).build()).join());
        assertThat(((JgoimException) e.getCause()).code()).isEqualTo(ErrorCode.BAD_PARAMETER);
    }

    @Test
    void shouldStoreRoomCountsAndAnswerWithClusterCounts() {
        directory.putOnline("comet-b", Map.of("live://1", 4), Duration.ofMinutes(1)).join();
        service.renewOnline(OnlineReq.newBuilder().setServer("comet-a").putRoomCount("live://1", 2).build()).join();
        online.refresh().join();
        Map<String, Integer> all = service.renewOnline(OnlineReq.newBuilder().setServer("comet-a")
                .putRoomCount("live://1", 2).build()).join().getAllRoomCountMap();
        assertThat(all).isEqualTo(Map.of("live://1", 6));
    }

    @Test
    void shouldAnswerRenewOnlineWithTheStoreEpoch() {
        OnlineReq req = OnlineReq.newBuilder().setServer("comet-a").putRoomCount("live://1", 2).build();
        String epoch = service.renewOnline(req).join().getStoreEpoch();
        assertThat(epoch).isNotEmpty().isEqualTo(directory.storeEpoch().join());
        assertThat(service.renewOnline(req).join().getStoreEpoch()).isEqualTo(epoch);
    }

    @Test
    void shouldPublishUpstreamMessageKeyedBySessionKey() {
        ReceiveReq req = ReceiveReq.newBuilder().setMid(5).setKey("k5").setServer("comet-a")
                .setProto(Proto.newBuilder().setOp(4).setBody(ByteString.copyFromUtf8("hi"))).build();
        service.receive(req).join();
        assertThat(upstream.records()).hasSize(1);
        assertThat(upstream.records().get(0).key()).isEqualTo("k5");
        assertThat(upstream.records().get(0).upstream()).isEqualTo(req.toByteArray());
    }
}
