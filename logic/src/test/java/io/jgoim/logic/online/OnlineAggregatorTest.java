package io.jgoim.logic.online;

import io.jgoim.common.session.InMemorySessionDirectory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class OnlineAggregatorTest {
    private final InMemorySessionDirectory directory = new InMemorySessionDirectory(Duration.ofMinutes(1));

    @Test
    void shouldSumRoomsOverCometsAndDropCometsThatStopReporting() {
        try (OnlineAggregator a = new OnlineAggregator(directory, Duration.ofMinutes(1), new SimpleMeterRegistry())) {
            directory.putOnline("c1", Map.of("live://1", 3, "live://2", 1, "chat://9", 4), Duration.ofMinutes(1))
                    .join();
            directory.putOnline("c2", Map.of("live://1", 5, "live://3", 0), Duration.ofMillis(300)).join();
            OnlineAggregator.Snapshot s = a.refresh().join();
            assertThat(s.rooms()).isEqualTo(Map.of("live://1", 8, "live://2", 1, "chat://9", 4));
            assertThat(s.servers()).isEqualTo(2);
            assertThat(s.total()).isEqualTo(13);
            assertThat(a.top("live", 10)).containsExactly(Map.entry("1", 8), Map.entry("2", 1));
            assertThat(a.top("live", 1)).containsExactly(Map.entry("1", 8));
            assertThat(a.rooms("live", List.of("1", "404"))).isEqualTo(Map.of("1", 8, "404", 0));
            await().atMost(Duration.ofSeconds(5)).until(() -> a.refresh().join().servers() == 1);
            assertThat(a.snapshot().rooms()).isEqualTo(Map.of("live://1", 3, "live://2", 1, "chat://9", 4));
        }
    }

    @Test
    void shouldAggregateOnItsOwnSchedule() {
        directory.putOnline("c1", Map.of("live://1", 2), Duration.ofMinutes(1)).join();
        try (OnlineAggregator a = new OnlineAggregator(directory, Duration.ofMillis(100), new SimpleMeterRegistry())) {
            a.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> a.snapshot().total() == 2);
            directory.putOnline("c1", Map.of("live://1", 7), Duration.ofMinutes(1)).join();
            await().atMost(Duration.ofSeconds(5)).until(() -> a.snapshot().total() == 7);
        }
    }
}
