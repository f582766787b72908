package io.jgoim.server;

import io.jgoim.client.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The CPU sampler of adaptive shedding in standalone, where logic and comet share one JVM: none runs while
 * {@code overload} is off (the default) — also once a client has come in through the comet's auth path and logic's
 * Connect — and one, not one per node, runs while both nodes shed; it stops with the server.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StandaloneCpuSamplerIT {
    private static final String SAMPLER = "jgoim-cpu";

    @TempDir
    Path dir;
    private StandaloneWithClients fixture;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldRunNoCpuSamplerWhileOverloadIsOff() throws Exception {
        fixture = StandaloneWithClients.in(dir).start();
        fixture.connect(fixture.client(Transport.TCP).token(
                "{\"mid\":1,\"key\":\"cpu-1\",\"room_id\":\"live://cpu\",\"accepts\":[1000]}"));
        assertThat(samplers()).isZero();
        assertThat(fixture.server().logic().overload().pushApi().cpuPermille()).isZero();
    }

    @Test
    void shouldShareOneCpuSamplerBetweenLogicAndCometAndStopItWithTheServer() throws Exception {
        fixture = StandaloneWithClients.in(dir)
                .comet("overload: {enabled: true}")
                .logic("overload: {enabled: true}").start();
        await().atMost(Duration.ofSeconds(10)).until(() -> samplers() == 1);
        assertThat(samplers()).isEqualTo(1);
        fixture.close();
        fixture = null;
        await().atMost(Duration.ofSeconds(10)).until(() -> samplers() == 0);
    }

    private static long samplers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(SAMPLER) && t.isAlive()).count();
    }
}
