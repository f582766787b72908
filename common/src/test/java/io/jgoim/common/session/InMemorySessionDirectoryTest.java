package io.jgoim.common.session;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InMemorySessionDirectoryTest extends SessionDirectoryContract {
    @Override
    SessionDirectory directory(Duration ttl) {
        return new InMemorySessionDirectory(ttl);
    }

    /** A member's routes are an array edited in place of a map: first, middle and last removals, re-adds by key. */
    @Test
    void shouldKeepEachDeviceOfAMemberThroughRemovalsAndReAdds() {
        SessionDirectory d = directory(Duration.ofMinutes(5));
        d.addSession(7, "k1", "comet-a").join();
        d.addSession(7, "k2", "comet-a").join();
        d.addSession(7, "k3", "comet-b").join();
        d.addSession(7, "k2", "comet-b").join(); // same key again: replaced, not duplicated
        assertThat(d.keysByMids(List.of(7L)).join())
                .isEqualTo(Map.of("k1", "comet-a", "k2", "comet-b", "k3", "comet-b"));
        assertThat(d.removeSession(7, "k2", "comet-b").join()).isTrue();
        assertThat(d.keysByMids(List.of(7L)).join()).isEqualTo(Map.of("k1", "comet-a", "k3", "comet-b"));
        assertThat(d.removeSession(7, "k3", "comet-b").join()).isTrue();
        assertThat(d.removeSession(7, "k1", "comet-b").join()).isFalse(); // another server's key stays
        assertThat(d.keysByMids(List.of(7L)).join()).isEqualTo(Map.of("k1", "comet-a"));
        assertThat(d.removeSession(7, "k1", "comet-a").join()).isTrue();
        assertThat(d.keysByMids(List.of(7L)).join()).isEmpty();
        d.addSession(7, "k4", "comet-a").join();
        assertThat(d.keysByMids(List.of(7L)).join()).isEqualTo(Map.of("k4", "comet-a"));
    }
}
