package io.jgoim.common.history;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which retention a stream name gets, for the default tenant's streams and a declared tenant's namespaced ones. */
class HistoryConfigTest {
    private final Retention live = new Retention(100, Duration.ofMinutes(10));
    private final Retention any = new Retention(5, Duration.ofMinutes(1));
    private final Retention members = new Retention(50, Duration.ofHours(1));
    private final Retention broadcast = new Retention(20, Duration.ofHours(1));
    private final HistoryConfig config = new HistoryConfig(Map.of("live", live, HistoryConfig.ANY_TYPE, any),
            members, broadcast);

    @Test
    void shouldGiveATenantsStreamsTheRetentionOfTheirKind() {
        assertThat(config.retention("live://1")).isEqualTo(live);
        assertThat(config.retention("acme\u001flive://1")).as("a tenant's room keeps its type's").isEqualTo(live);
        assertThat(config.retention("chat://1")).isEqualTo(any);
        assertThat(config.retention("acme\u001fchat://1")).isEqualTo(any);
        assertThat(config.retention("mid:7")).isEqualTo(members);
        assertThat(config.retention("acme\u001fmid:7")).isEqualTo(members);
        assertThat(config.retention("broadcast")).isEqualTo(broadcast);
        assertThat(config.retention("acme\u001fbroadcast")).isEqualTo(broadcast);
    }
}
