package io.jgoim.client.comet;

import io.jgoim.client.ClientState;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.comet.CometServer;
import io.jgoim.common.overload.BbrLimiter;
import io.jgoim.common.overload.OverloadConfig;
import io.jgoim.logic.overload.ShedConnect;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An overloaded logic refuses Connect (adaptive shedding, code 302): the comet closes that session with 4015
 * OVERLOADED and the Java SDK reconnects with backoff until logic recovers. Real comets and SDK clients over TCP; the
 * logic is the twin behind the production {@link ShedConnect} and {@link BbrLimiter}, its CPU reading injected (high
 * while overloaded) and two Connects held in flight, which is more than the capacity it has measured (none yet).
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class OverloadReconnectIT {
    private final AtomicInteger cpu = new AtomicInteger();
    private final LogicTwin twin = LogicTwin.create().heartbeatSeconds(0);
    private final BbrLimiter limiter = new BbrLimiter(new OverloadConfig(true, 0.8, "process",
            Duration.ofMillis(250), 0.8, Duration.ofSeconds(10), 100, Duration.ofSeconds(1)), cpu::get,
            System::nanoTime);
    private final Counter shed = new SimpleMeterRegistry().counter("shed");
    private final ShedConnect logic = new ShedConnect(twin, limiter, shed);
    private final RegisteredComets comets = new RegisteredComets(logic);
    private final EventLoopGroup group = ClientTransports.newEventLoopGroup(1);
    private final List<JgoimClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(JgoimClient::close);
        comets.close();
        twin.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private JgoimClient client(long mid, Closes closes, String... addresses) {
        JgoimClient c = JgoimClient.builder().addresses(addresses).transport(Transport.TCP)
                .goimToken(mid, "", "live://overload", "web", 1000)
                .heartbeatInterval(Duration.ofSeconds(5))
                .backoff(Duration.ofMillis(100), Duration.ofMillis(500))
                .group(group).listener(closes).build();
        clients.add(c);
        return c;
    }

    @Test
    void shouldCloseWith4015WhileLogicShedsConnectsAndReconnectOnceItRecovers() {
        CometServer a = comets.start("a");
        CometServer b = comets.start("b");
        String tcpA = RegisteredComets.tcp(a);
        String tcpB = RegisteredComets.tcp(b);
        Closes closes = new Closes();
        JgoimClient c = client(1, closes, tcpA, tcpB);
        c.connect().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(c.node()).isEqualTo(tcpA);

        // Logic overloaded: high CPU, two Connects stuck in flight (more than the capacity it measured).
        cpu.set(950);
        CompletableFuture<Void> gate = twin.holdConnects();
        client(2, new Closes(), tcpB).connect();
        client(3, new Closes(), tcpB).connect();
        await().atMost(Duration.ofSeconds(10)).until(() -> limiter.inFlight() == 2);

        // The client's comet goes away: its reconnects are refused with 4015 and it keeps trying.
        long t0 = System.nanoTime();
        a.drain(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(20)).until(() -> closes.all.stream()
                .filter(s -> s.code() == CloseCode.OVERLOADED.code()).count() >= 2);
        for (int i = 0; i < closes.all.size(); i++) {
            assertThat(closes.willReconnect.get(i)).as("close %s is retried", closes.all.get(i)).isTrue();
        }
        assertThat(shed.count()).isGreaterThanOrEqualTo(2);
        assertThat(c.state()).isNotEqualTo(ClientState.CLOSED);

        // Logic recovers: the client gets in, on b.
        cpu.set(100);
        gate.complete(null);
        await().atMost(Duration.ofSeconds(20)).until(() -> c.state() == ClientState.CONNECTED);
        assertThat(c.node()).isEqualTo(tcpB);
        System.out.printf("overload reconnect: %d closes (%d with 4015), connected again %d ms after the drain%n",
                closes.all.size(), closes.all.stream().filter(s -> s.code() == 4015).count(),
                (System.nanoTime() - t0) / 1_000_000);
    }
}
