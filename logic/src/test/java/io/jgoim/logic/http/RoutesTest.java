package io.jgoim.logic.http;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The route table's own rules: one route per path, the metric tags bounded, each route's parameters distinct. */
class RoutesTest {
    @Test
    void shouldFindEachRouteByItsPathAndNothingElse() {
        for (Route r : Route.values()) {
            assertThat(Route.of(r.path())).isSameAs(r);
        }
        assertThat(Route.of("/goim/nope")).isNull();
        assertThat(Route.of("/goim/push/keys/")).isNull();
        assertThat(Route.of("/metrics")).isNull();
    }

    @Test
    void shouldTagMetricsByPathWithOneTagForEverythingElse() {
        Set<String> tags = new HashSet<>();
        for (Route r : Route.values()) {
            assertThat(r.tag()).isEqualTo(r.path());
            tags.add(r.tag());
        }
        assertThat(tags).hasSize(Route.values().length).doesNotContain(Route.OTHER_TAG);
    }

    @Test
    void shouldPushRevokeAndSetLevelsWithPostAndReadWithGet() {
        for (Route r : Route.values()) {
            // the ack status of a push is read under /goim/push/ (it is the pusher's follow-up), so it is a GET
            boolean writes = (r.path().startsWith("/goim/push/") && r != Route.PUSH_ACKS) || r == Route.ADMIN_REVOKE
                    || r == Route.ADMIN_LOGLEVEL || r == Route.ADMIN_KICK || r == Route.ADMIN_COMET_WEIGHT
                    || r == Route.ADMIN_COMET_DRAIN;
            HttpMethod expected = writes ? HttpMethod.POST : HttpMethod.GET;
            assertThat(r.method()).as(r.path()).isEqualTo(expected);
            assertThat(r.params().stream().map(Param::name).distinct().count()).isEqualTo(r.params().size());
        }
    }
}
