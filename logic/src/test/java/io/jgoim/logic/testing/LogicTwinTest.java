package io.jgoim.logic.testing;

import com.google.protobuf.ByteString;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.rpc.logic.ConnectReply;
import io.jgoim.protocol.rpc.logic.ConnectReq;
import io.jgoim.protocol.rpc.logic.DisconnectReq;
import io.jgoim.protocol.rpc.logic.HeartbeatReq;
import io.jgoim.protocol.rpc.logic.OnlineReq;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class LogicTwinTest {
    private final LogicTwin twin = LogicTwin.create();

    @AfterEach
    void close() {
        twin.close();
    }

    private static ConnectReq connect(String token) {
        return ConnectReq.newBuilder().setServer("comet-a").setToken(ByteString.copyFromUtf8(token)).build();
    }

    @Test
    void shouldAnswerLikeProductionLogicAndRecordTheCall() {
        ConnectReply r = twin.connect(connect("{\"mid\":7,\"key\":\"k7\",\"room_id\":\"live://1\",\"accepts\":[1001]}"))
                .join();
        assertThat(r.getErrorCode()).isZero();
        assertThat(r.getKey()).isEqualTo("k7");
        assertThat(r.getAcceptsList()).containsExactly(1001);
        assertThat(r.getHeartbeat()).isEqualTo(240);
        assertThat(twin.serverOf("k7")).isEqualTo("comet-a");
        assertThat(twin.routesOf(7)).isEqualTo(Map.of("k7", "comet-a"));
        assertThat(twin.connects()).hasSize(1);
        assertThat(twin.connect(connect("garbage")).join().getErrorCode()).isEqualTo(ErrorCode.TOKEN_MALFORMED.code());
        assertThat(twin.disconnect(DisconnectReq.newBuilder().setMid(7).setKey("k7").setServer("comet-a").build())
                .join().getHas()).isTrue();
        assertThat(twin.serverOf("k7")).isNull();
    }

    @Test
    void shouldAnswerRenewOnlineWithTheDirectorysEpochUnlessOverridden() {
        OnlineReq report = OnlineReq.newBuilder().setServer("comet-a").putRoomCount("live://1", 2).build();
        String epoch = twin.renewOnline(report).join().getStoreEpoch();
        assertThat(epoch).isNotEmpty().isEqualTo(twin.directory().storeEpoch().join());
        assertThat(twin.storeEpoch("lost").renewOnline(report).join().getStoreEpoch()).isEqualTo("lost");
        assertThat(twin.storeEpoch("").renewOnline(report).join().getStoreEpoch()).isEmpty();
        assertThat(twin.storeEpoch(null).renewOnline(report).join().getStoreEpoch()).isEqualTo(epoch);
        assertThat(twin.onlineReports()).hasSize(4);
    }

    @Test
    void shouldRefuseFailAndGoDownOnItsSwitches() {
        twin.refuseConnects(ErrorCode.UNAUTHORIZED);
        assertThat(twin.connect(connect("{\"mid\":1}")).join().getErrorCode()).isEqualTo(ErrorCode.UNAUTHORIZED.code());
        twin.refuseConnects(null).failConnects(ErrorCode.UNAVAILABLE);
        Throwable t = catchThrowable(() -> twin.connect(connect("{\"mid\":1}")).join());
        assertThat(Failures.code(t, ErrorCode.UNKNOWN)).isEqualTo(ErrorCode.UNAVAILABLE);
        twin.failConnects(null).down(ErrorCode.TIMEOUT);
        t = catchThrowable(() -> twin.heartbeat(HeartbeatReq.newBuilder().setKey("k").setServer("s").build()).join());
        assertThat(Failures.code(t, ErrorCode.UNKNOWN)).isEqualTo(ErrorCode.TIMEOUT);
        twin.down(null);
        assertThat(twin.connect(connect("{\"mid\":1,\"key\":\"k1\"}")).join().getErrorCode()).isZero();
    }

    @Test
    void shouldDelayHoldAndOverrideTheHeartbeat() throws Exception {
        twin.heartbeatSeconds(0).connectDelay(Duration.ofMillis(200));
        long start = System.nanoTime();
        ConnectReply r = twin.connect(connect("{\"mid\":2,\"key\":\"k2\"}")).get(5, TimeUnit.SECONDS);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(190));
        assertThat(r.getHeartbeat()).isZero();
        twin.connectDelay(Duration.ZERO);
        CompletableFuture<Void> gate = twin.holdConnects();
        CompletableFuture<ConnectReply> held = twin.connect(connect("{\"mid\":3,\"key\":\"k3\"}"));
        Thread.sleep(50);
        assertThat(held).isNotDone();
        gate.complete(null);
        assertThat(held.get(5, TimeUnit.SECONDS).getKey()).isEqualTo("k3");
    }
}
