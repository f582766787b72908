package io.jgoim.common.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The behaviour every {@link NodeRegistry} that accepts registrations must have; in-memory and Redis. */
@Timeout(20)
abstract class NodeRegistryContract {
    abstract NodeRegistry registry();

    /** True for registries that keep readers' view reports (Redis); the others never make a joining comet wait. */
    boolean keepsViews() {
        return true;
    }

    static NodeInfo node(String id, int sessions, boolean offline) {
        return new NodeInfo(id, "sh", 10, List.of("127.0.0.1:3101"), List.of("127.0.0.1:3102"), List.of(),
                "127.0.0.1:3109", sessions, offline, System.currentTimeMillis());
    }

    @Test
    void shouldListRegisteredNodesIncludingOfflineOnes() {
        NodeRegistry r = registry();
        NodeInfo a = node("comet-a", 3, false);
        NodeInfo b = node("comet-b", 0, true);
        r.register(a, Duration.ofMinutes(1)).join();
        r.register(b, Duration.ofMinutes(1)).join();
        assertThat(r.nodes().join()).containsExactlyInAnyOrder(a, b);
    }

    @Test
    void shouldReplaceEntryOnRefresh() {
        NodeRegistry r = registry();
        r.register(node("comet-a", 3, false), Duration.ofMinutes(1)).join();
        NodeInfo refreshed = node("comet-a", 9, true);
        r.register(refreshed, Duration.ofMinutes(1)).join();
        assertThat(r.nodes().join()).containsExactly(refreshed);
    }

    @Test
    void shouldForgetDeregisteredNode() {
        NodeRegistry r = registry();
        r.register(node("comet-a", 3, false), Duration.ofMinutes(1)).join();
        r.deregister("comet-a").join();
        assertThat(r.nodes().join()).isEmpty();
    }

    @Test
    void shouldExpireNodeThatStopsRefreshing() {
        NodeRegistry r = registry();
        NodeInfo kept = node("comet-b", 1, false);
        r.register(node("comet-a", 3, false), Duration.ofMillis(300)).join();
        r.register(kept, Duration.ofMinutes(1)).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> r.nodes().join().size() == 1);
        assertThat(r.nodes().join()).containsExactly(kept);
    }

    @Test
    void shouldTellAJoiningNodeWhenEveryLiveReaderHasReadIt() throws Exception {
        NodeRegistry r = registry();
        if (!keepsViews()) {
            assertThat(r.minViewVersion().join()).as("no reader to wait for").isEqualTo(Long.MAX_VALUE);
            return;
        }
        assertThat(r.minViewVersion().join()).as("no reader reports yet").isEqualTo(Long.MAX_VALUE);
        r.reportView("job-1", 0, Duration.ofMinutes(1)).join();
        r.register(node("comet-a", 0, false), Duration.ofMinutes(1)).join();
        long announced = r.announce("comet-a").join();
        assertThat(announced).isPositive();
        assertThat(r.minViewVersion().join()).as("job-1 has not read comet-a").isLessThan(announced);

        long read = r.version().join();
        assertThat(read).isEqualTo(announced);
        r.reportView("job-1", read, Duration.ofMinutes(1)).join();
        r.reportView("job-2", read - 1, Duration.ofMinutes(1)).join();
        assertThat(r.minViewVersion().join()).as("job-2 is behind").isEqualTo(read - 1);
        r.removeView("job-2").join();
        assertThat(r.minViewVersion().join()).isEqualTo(read);

        // A reader that stops reporting stops counting once its report lapsed.
        r.reportView("job-3", 0, Duration.ofMillis(200)).join();
        assertThat(r.minViewVersion().join()).isZero();
        Thread.sleep(300);
        assertThat(r.minViewVersion().join()).isEqualTo(read);
        assertThat(r.announce("comet-b").join()).isEqualTo(announced + 1);
    }
}
