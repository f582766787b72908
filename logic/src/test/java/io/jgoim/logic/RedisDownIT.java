package io.jgoim.logic;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.jgoim.common.redis.RedisClients;
import io.jgoim.common.registry.RedisNodeRegistry;
import io.jgoim.common.session.RedisSessionDirectory;
import io.jgoim.logic.ApiClient.Reply;
import io.jgoim.logic.push.InMemoryPushPublisher;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.rpc.GrpcLogicClient;
import io.jgoim.protocol.rpc.logic.ConnectReq;
import io.jgoim.testkit.LeakCheck;
import io.jgoim.testkit.RedisServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/** Redis stops (SIGKILL) under a running logic: the API answers 503 fast, nothing hangs, and it recovers alone. */
@Tag("redis")
@Timeout(60)
@ExtendWith(LeakCheck.class)
class RedisDownIT {
    private RedisServer redisServer;
    private RedisClients redis;
    private InMemoryPushPublisher bus;
    private LogicServer logic;
    private ManagedChannel channel;
    private GrpcLogicClient grpc;
    private ApiClient api;

    @BeforeEach
    void start() {
        redisServer = RedisServer.start();
        LogicConfig config = LogicConfig.load(null, Map.of("JGOIM_HTTP_PORT", "0", "JGOIM_GRPC_PORT", "0",
                "JGOIM_REDIS_URIS", redisServer.uri()));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        redis = RedisClients.connect(config.redis().uris(), false, config.redis().commandTimeout(), 10_000);
        bus = new InMemoryPushPublisher();
        logic = new LogicServer(config, new RedisSessionDirectory(redis, config.redis().sessionTtl(), registry), bus,
                new RedisNodeRegistry(redis), registry);
        logic.start();
        channel = NettyChannelBuilder.forAddress(logic.grpcAddress()).usePlaintext().build();
        grpc = new GrpcLogicClient(channel, Duration.ofSeconds(5));
        api = new ApiClient(logic.httpAddress());
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (logic != null) {
            logic.close();
        }
        if (redis != null) {
            redis.close();
        }
        redisServer.close();
    }

    private ConnectReq token(String key) {
        return ConnectReq.newBuilder().setServer("comet-a")
                .setToken(ByteString.copyFromUtf8("{\"mid\":1,\"key\":\"" + key + "\"}")).build();
    }

    @Test
    void shouldAnswer503WithinAboutASecondWhenRedisStalls() throws Exception {
        assertThat(grpc.connect(token("k1")).join().getErrorCode()).isZero();
        redis.async().clientPause(2000).get(); // Redis accepts bytes but answers nothing, like a hung server
        Reply stalled = api.post("/goim/push/keys?operation=1000&keys=k1", "stalled");
        assertThat(stalled.status()).isEqualTo(503);
        assertThat(stalled.code()).isEqualTo(ErrorCode.UNAVAILABLE.code());
        assertThat(stalled.tookMillis()).isLessThan(1_500);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> api.post("/goim/push/keys?operation=1000&keys=k1", "again").status() == 200);
    }

    @Test
    void shouldAnswer503QuicklyWhileRedisIsDownAndRecoverWhenItReturns() {
        assertThat(grpc.connect(token("k1")).join().getErrorCode()).isZero();
        assertThat(api.post("/goim/push/keys?operation=1000&keys=k1", "before").status()).isEqualTo(200);

        redisServer.stop();
        for (String uri : new String[] {"/goim/push/keys?operation=1000&keys=k1",
            "/goim/push/mids?operation=1000&mids=1"}) {
            Reply down = api.post(uri, "during");
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.code()).isEqualTo(ErrorCode.UNAVAILABLE.code());
            assertThat(down.tookMillis()).isLessThan(1_000);
        }
        assertThat(api.get("/goim/nodes/instances").status()).isEqualTo(503);
        // Comet's Connect fails as a transport error (retry later), not as a token refusal.
        CompletionException e = catchThrowableOfType(CompletionException.class, () -> grpc.connect(token("k2")).join());
        assertThat(((JgoimException) e.getCause()).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        // Pushes that need no routing still work while Redis is down.
        assertThat(api.post("/goim/push/room?operation=1000&type=live&room=1", "room").status()).isEqualTo(200);
        assertThat(bus.records()).extracting(r -> r.message().getMsg().toStringUtf8())
                .containsExactly("before", "room");

        redisServer.restart();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> grpc.connect(token("k3")).handle((r, err) -> err == null).join());
        Reply after = api.post("/goim/push/keys?operation=1000&keys=k3", "after");
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.data().get("routed").asInt()).isEqualTo(1);
    }
}
