package io.jgoim.client.comet;

import io.jgoim.client.ClientState;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.comet.CometServer;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.testkit.LeakCheck;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A comet holding its maximum of connections ({@code limits.maxConnections}) refuses the SDK with 4020 NODE_FULL at
 * accept, over TCP and WebSocket, and the SDK goes on to the next comet of its list at once. Real comets and SDK
 * clients.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class NodeFullReconnectIT {
    private final LogicTwin twin = LogicTwin.create().heartbeatSeconds(0);
    private final RegisteredComets comets = new RegisteredComets(twin);
    private final EventLoopGroup group = ClientTransports.newEventLoopGroup(1);
    private final List<JgoimClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(JgoimClient::close);
        comets.close();
        twin.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private JgoimClient client(long mid, Transport transport, Closes closes, String... addresses) {
        JgoimClient c = JgoimClient.builder().addresses(addresses).transport(transport)
                .goimToken(mid, "", "live://full", "web", 1000)
                .heartbeatInterval(Duration.ofSeconds(5))
                .backoff(Duration.ofMillis(100), Duration.ofMillis(500))
                .group(group).listener(closes).build();
        clients.add(c);
        return c;
    }

    @Test
    void shouldGoToTheNextCometWhenTheFirstIsFull() {
        CometServer full = comets.start("full", null, Map.of("JGOIM_LIMITS_MAX_CONNECTIONS", "1"));
        CometServer other = comets.start("other");
        client(1, Transport.TCP, new Closes(), RegisteredComets.tcp(full)).connect()
                .orTimeout(10, TimeUnit.SECONDS).join();

        for (Transport t : new Transport[] {Transport.TCP, Transport.WEBSOCKET}) {
            Closes closes = new Closes();
            String first = t == Transport.TCP ? RegisteredComets.tcp(full) : RegisteredComets.ws(full);
            String second = t == Transport.TCP ? RegisteredComets.tcp(other) : RegisteredComets.ws(other);
            JgoimClient c = client(t == Transport.TCP ? 2 : 3, t, closes, first, second);
            c.connect().orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(c.state()).isEqualTo(ClientState.CONNECTED);
            assertThat(c.node()).as(t.name()).isEqualTo(second);
            assertThat(closes.all).as(t.name()).singleElement()
                    .satisfies(s -> assertThat(s.code()).isEqualTo(CloseCode.NODE_FULL.code()));
            assertThat(closes.willReconnect).containsExactly(true);
        }
        assertThat(full.limits().cap().openCount()).as("the first client alone").isEqualTo(1);
    }
}
