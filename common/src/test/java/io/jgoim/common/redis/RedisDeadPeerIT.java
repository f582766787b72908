package io.jgoim.common.redis;

import io.jgoim.testkit.IsolatedHost;
import io.jgoim.testkit.RedisServer;
import io.lettuce.core.RedisCommandTimeoutException;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A Redis host that vanishes without a word — every packet dropped both ways, no reset, no ICMP — while commands are
 * in flight, and comes back 14 s later. The redis-server runs on a host of its own (a network namespace,
 * {@link IsolatedHost}); the path between is cut in the kernel, where TCP's retransmissions live.
 *
 * <p>With {@code redis.deadPeerTimeout} (3 s here) the connection is given up during the cut and made again right
 * after it: commands succeed within 4 s of the heal. With it off (the kernel's defaults, what the node had before),
 * the old connection waits for TCP's next retransmission of its oldest command — about 25 s after the cut began,
 * 11 s after the heal — and no command succeeds within those 4 s: that half shows the check can fail.
 */
@Tag("redis")
class RedisDeadPeerIT {
    private static final Duration CUT = Duration.ofSeconds(14);
    private static final Duration RECOVERED_WITHIN = Duration.ofSeconds(4);

    @Test
    @Timeout(90)
    void aVanishedHostIsGivenUpAndServiceResumesRightAfterThePathReturns() throws Exception {
        assumeTrue(IsolatedHost.available(), "needs root and iproute2 for a network namespace");
        assertThat(Epoll.isAvailable()).as("TCP_USER_TIMEOUT needs the native transport: %s",
                Epoll.unavailabilityCause()).isTrue();
        Recovery on = cutAndHeal(Duration.ofSeconds(3));
        System.out.println("RedisDeadPeerIT deadPeerTimeout 3s: " + on);
        assertThat(on.failedDuringCut).as("commands during the cut fail (the API's 503)").isGreaterThan(0);
        assertThat(on.firstSuccessAfterHealMillis).as("ms from heal to the first command that succeeds")
                .isLessThanOrEqualTo(RECOVERED_WITHIN.toMillis());

        Recovery off = cutAndHeal(Duration.ZERO);
        System.out.println("RedisDeadPeerIT deadPeerTimeout off: " + off);
        assertThat(off.failedDuringCut).isGreaterThan(0);
        assertThat(off.firstSuccessAfterHealMillis)
                .as("without the bound the old connection waits for TCP's next retransmission")
                .isGreaterThan(RECOVERED_WITHIN.toMillis());
    }

    private record Recovery(int failedDuringCut, long firstSuccessAfterHealMillis) {
    }

    /** Cuts the path for {@link #CUT} with a command every 100 ms, heals, and times the first success after. */
    private static Recovery cutAndHeal(Duration deadPeerTimeout) throws Exception {
        try (IsolatedHost host = IsolatedHost.create();
             RedisServer redis = RedisServer.startOn(host);
             RedisClients clients = RedisClients.connect(List.of(redis.uri()), false, Duration.ofMillis(500), 1000,
                     deadPeerTimeout)) {
            assertThat(clients.async().set("k", "before").get(5, TimeUnit.SECONDS)).isEqualTo("OK");
            host.blackhole();
            long healAt = System.nanoTime() + CUT.toNanos();
            int failed = 0;
            int i = 0;
            while (System.nanoTime() < healAt) {
                if (!succeeds(clients, i++)) {
                    failed++;
                }
                Thread.sleep(100);
            }
            host.heal();
            long healed = System.nanoTime();
            // Up to 20 s after the heal: without the bound, TCP's next retransmission comes ~11 s after it.
            while (System.nanoTime() - healed < TimeUnit.SECONDS.toNanos(20)) {
                if (succeeds(clients, i++)) {
                    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healed);
                    assertThat(clients.async().get("k").get(5, TimeUnit.SECONDS)).startsWith("v");
                    return new Recovery(failed, ms);
                }
                Thread.sleep(100);
            }
            return new Recovery(failed, Long.MAX_VALUE);
        }
    }

    private static boolean succeeds(RedisClients clients, int i) throws InterruptedException {
        CompletableFuture<String> f = clients.async().set("k", "v" + i).toCompletableFuture();
        try {
            return "OK".equals(f.get(2, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            // timed out, or refused while disconnected: the two ways a cut shows
            assertThat(cause).isInstanceOfAny(RedisCommandTimeoutException.class,
                    io.lettuce.core.RedisException.class);
            return false;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }
}
