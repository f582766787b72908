package io.jgoim.comet;

import io.jgoim.comet.TestClient.Mode;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.Op;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Timers and lifecycle on real sockets: idle eviction of a client that went silent (as one that vanished without
 * FIN), online reporting to logic feeding heartbeat replies, node registration, and the graceful close with SHUTDOWN.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class CometLifecycleIT {
    private static CometServer start(io.jgoim.protocol.rpc.LogicService logic, InMemoryNodeRegistry registry,
                                     Map<String, String> env) {
        java.util.Map<String, String> all = new java.util.HashMap<>(Map.of(
                "JGOIM_WSS_ENABLED", "false", "JGOIM_TCP_TLS_ENABLED", "false"));
        all.putAll(env);
        CometServer c = new CometServer(TestConfigs.ephemeral(all), logic, registry,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        c.start();
        return c;
    }

    private static String token(long mid, String key, String room) {
        return CometSessionIT.token(mid, key, room);
    }

    @Test
    void shouldEvictSilentSessionsWithHeartbeatTimeoutAndKeepHeartbeatingOnes() throws Exception {
        try (LogicTwin logic = LogicTwin.create().heartbeatSeconds(1)) {
            CometServer comet = start(logic, null, Map.of("JGOIM_PROTOCOL_HEARTBEAT_MAX_MISSES", "1"));
            try (TestClient silentTcp = TestClient.connect(Mode.TCP, comet);
                 TestClient silentWs = TestClient.connect(Mode.WS, comet);
                 TestClient alive = TestClient.connect(Mode.TCP, comet)) {
                silentTcp.auth(2, token(1, "silent-tcp", ""));
                silentWs.auth(1, token(2, "silent-ws", ""));
                alive.auth(1, token(3, "alive", ""));
                assertThat(TestClient.op(silentTcp.next(3000))).isEqualTo(Op.AUTH_REPLY);
                assertThat(TestClient.op(silentWs.next(3000))).isEqualTo(Op.AUTH_REPLY);
                assertThat(TestClient.op(alive.next(3000))).isEqualTo(Op.AUTH_REPLY);
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
                int seq = 0;
                while (System.nanoTime() < end) {
                    alive.send(1, Op.HEARTBEAT, ++seq, new byte[0]);
                    assertThat(TestClient.op(alive.next(1000))).isEqualTo(Op.HEARTBEAT_REPLY);
                    Thread.sleep(300);
                }
                byte[] bye = silentTcp.next(100);
                assertThat(TestClient.op(bye)).isEqualTo(Op.DISCONNECT);
                assertThat(TestClient.intBody(bye)).isEqualTo(CloseCode.HEARTBEAT_TIMEOUT.code());
                assertThat(silentWs.closeCode().get(1, TimeUnit.SECONDS)).isEqualTo(CloseCode.HEARTBEAT_TIMEOUT.code());
                assertThat(alive.isActive()).isTrue();
                await().atMost(Duration.ofSeconds(3)).until(() -> comet.sessionCount() == 1);
                await().until(() -> logic.disconnects().size() == 2);
            } finally {
                comet.close();
            }
        }
    }

    @Test
    void shouldAuthenticateThroughGrpcLogicAndCloseWithLogicUnavailableOnceLogicIsGone() throws Exception {
        try (LogicTwin twin = LogicTwin.create().heartbeatSeconds(0)) {
            String name = "logic-" + System.nanoTime();
            io.grpc.Server logicServer = io.grpc.inprocess.InProcessServerBuilder.forName(name).directExecutor()
                    .addService(new io.jgoim.protocol.rpc.LogicGrpcService(twin)).build().start();
            io.grpc.ManagedChannel channel = io.grpc.inprocess.InProcessChannelBuilder.forName(name).directExecutor()
                    .build();
            CometServer comet = start(new io.jgoim.protocol.rpc.GrpcLogicClient(channel, Duration.ofSeconds(2)),
                    null, Map.of());
            try (TestClient ok = TestClient.connect(Mode.TCP, comet)) {
                ok.auth(1, token(1, "over-grpc", ""));
                assertThat(TestClient.op(ok.next(3000))).isEqualTo(Op.AUTH_REPLY);
                ok.send(1, Op.SEND_MSG, 2, "up".getBytes());
                assertThat(TestClient.op(ok.next(3000))).isEqualTo(Op.SEND_MSG);
                assertThat(twin.received()).hasSize(1);

                logicServer.shutdownNow();
                try (TestClient refused = TestClient.connect(Mode.WS, comet)) {
                    refused.auth(1, token(2, "no-logic", ""));
                    assertThat(refused.closeCode().get(3, TimeUnit.SECONDS))
                            .isEqualTo(CloseCode.LOGIC_UNAVAILABLE.code());
                }
                // the authenticated session is not disturbed
                ok.send(1, Op.HEARTBEAT, 3, new byte[0]);
                assertThat(TestClient.op(ok.next(3000))).isEqualTo(Op.HEARTBEAT_REPLY);
            } finally {
                comet.close();
                channel.shutdownNow();
                logicServer.shutdownNow();
            }
        }
    }

    @Test
    void shouldFailStartWhenAPortIsTakenAndReleaseWhatItBound() throws Exception {
        try (LogicTwin logic = LogicTwin.create().heartbeatSeconds(0)) {
            CometServer first = start(logic, null, Map.of());
            try {
                CometServer second = new CometServer(TestConfigs.ephemeral(Map.of("JGOIM_WSS_ENABLED", "false",
                        "JGOIM_TCP_TLS_ENABLED", "false",
                        "JGOIM_WEB_SOCKET_PORT", Integer.toString(first.wsAddress().getPort()))), logic, null,
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
                org.assertj.core.api.Assertions.assertThatThrownBy(second::start)
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot bind 127.0.0.1:"
                                + first.wsAddress().getPort());
                assertThat(second.isDraining()).as("closed after the failed start").isTrue();
                // its TCP listener (bound before the failing one) was released
                int port = second.tcpAddress().getPort();
                try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
                    probe.bind(new java.net.InetSocketAddress("127.0.0.1", port));
                }
            } finally {
                first.close();
            }
        }
    }

    @Test
    void shouldReportRoomCountsAndAnswerHeartbeatsWithTheClusterCount() throws Exception {
        try (LogicTwin logic = LogicTwin.create().heartbeatSeconds(0)) {
            // Another comet's report in logic's directory: 40 there plus this comet's 2 make the cluster's 42.
            logic.directory().putOnline("other-comet", Map.of("live://r", 40), Duration.ofMinutes(1)).join();
            CometServer comet = start(logic, null, Map.of("JGOIM_ONLINE_REPORT_INTERVAL", "200ms"));
            try (TestClient a = TestClient.connect(Mode.TCP, comet);
                 TestClient b = TestClient.connect(Mode.WS, comet)) {
                a.auth(1, token(1, "a", "live://r"));
                b.auth(1, token(2, "b", "live://r"));
                a.next(3000);
                b.next(3000);
                a.send(1, Op.HEARTBEAT, 1, new byte[0]);
                int first = TestClient.intBody(a.next(3000));
                assertThat(first).isIn(2, 42);
                await().atMost(Duration.ofSeconds(5)).until(() -> logic.onlineReports().stream()
                        .anyMatch(r -> Integer.valueOf(2).equals(r.getRoomCountMap().get("live://r"))));
                assertThat(logic.aggregateOnline().rooms()).containsEntry("live://r", 42);
                await().atMost(Duration.ofSeconds(5)).until(() -> {
                    a.send(1, Op.HEARTBEAT, 2, new byte[0]);
                    return TestClient.intBody(a.next(3000)) == 42;
                });
            } finally {
                comet.close();
            }
        }
    }

    @Test
    void shouldRegisterThenDrainWithShutdownCodesAndDeregister() throws Exception {
        InMemoryNodeRegistry registry = new InMemoryNodeRegistry();
        try (LogicTwin logic = LogicTwin.create().heartbeatSeconds(0)) {
            CometServer comet = start(logic, registry, Map.of("JGOIM_REGISTRY_ENABLED", "true",
                    "JGOIM_REGISTRY_REFRESH_INTERVAL", "100ms", "JGOIM_REGISTRY_TTL", "1s",
                    "JGOIM_SHUTDOWN_DRAIN_TIME", "600ms", "JGOIM_SHUTDOWN_CLOSE_BATCHES", "3"));
            TestClient tcp = TestClient.connect(Mode.TCP, comet);
            TestClient ws = TestClient.connect(Mode.WS, comet);
            TestClient goim = TestClient.connect(Mode.TCP, comet);
            try {
                tcp.auth(2, token(1, "t", "live://d"));
                ws.auth(1, token(2, "w", "live://d"));
                goim.auth(1, token(3, "g", "live://d"));
                tcp.next(3000);
                ws.next(3000);
                goim.next(3000);
                await().until(() -> {
                    List<NodeInfo> nodes = registry.nodes().get();
                    return nodes.size() == 1 && nodes.get(0).sessions() == 3 && !nodes.get(0).offline();
                });
                NodeInfo node = registry.nodes().get().get(0);
                assertThat(node.tcpAddrs()).containsExactly("127.0.0.1:" + comet.tcpAddress().getPort());
                assertThat(node.rpcAddr()).isEqualTo("127.0.0.1:" + comet.rpcAddress().getPort());

                long t0 = System.nanoTime();
                comet.close();
                assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(4));
                byte[] bye = tcp.next(1000);
                assertThat(TestClient.op(bye)).isEqualTo(Op.DISCONNECT);
                assertThat(TestClient.intBody(bye)).isEqualTo(CloseCode.SHUTDOWN.code());
                assertThat(ws.closeCode().get(1, TimeUnit.SECONDS)).isEqualTo(CloseCode.SHUTDOWN.code());
                goim.closed().get(1, TimeUnit.SECONDS);
                assertThat(registry.nodes().get()).isEmpty();
                assertThat(comet.metrics().closes(CloseCode.SHUTDOWN)).isEqualTo(3);
            } finally {
                tcp.close();
                ws.close();
                goim.close();
                comet.close();
            }
        }
    }
}
