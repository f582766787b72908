package io.jgoim.logic.http;

import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.logic.ApiClient;
import io.jgoim.logic.LogicConfig;
import io.jgoim.logic.LogicServer;
import io.jgoim.logic.push.InMemoryPushPublisher;
import io.jgoim.logic.push.UpstreamPublisher;
import io.jgoim.logic.testing.FaultyHistoryStore;
import io.jgoim.protocol.ErrorCode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /goim/push/mids over a real socket with a history store: positions in the answer, 503 when it fails. */
class MidPositionsIT {
    private final InMemorySessionDirectory directory = new InMemorySessionDirectory(Duration.ofMinutes(1));
    private final InMemoryPushPublisher bus = new InMemoryPushPublisher();
    private final FaultyHistoryStore store = new FaultyHistoryStore();
    private LogicServer logic;

    private ApiClient start(FaultyHistoryStore storeOrNull, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(Map.of("JGOIM_HTTP_PORT", "0", "JGOIM_GRPC_ENABLED", "false"));
        all.putAll(env);
        logic = new LogicServer(LogicConfig.load(null, all), directory, bus, new InMemoryNodeRegistry(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), UpstreamPublisher.DISCARD, storeOrNull);
        logic.start();
        directory.addSession(7, "7-phone", "c1").join();
        directory.addSession(7, "7-web", "c2").join();
        return new ApiClient(logic.httpAddress());
    }

    @AfterEach
    void close() {
        if (logic != null) {
            logic.close();
        }
    }

    @Test
    void shouldAnswerEachMembersPositionWithTheEpochAsADecimalString() {
        ApiClient api = start(store, Map.of());
        ApiClient.Reply first = api.post("/goim/push/mids?operation=1000&mids=7,8", "hi");
        assertThat(first.status()).isEqualTo(200);
        String epoch7 = first.data().get("positions").get("7").get("epoch").asText();
        String epoch8 = first.data().get("positions").get("8").get("epoch").asText();
        assertThat(first.text()).isEqualTo("{\"code\":0,\"message\":\"\",\"data\":{\"routed\":2,\"positions\":{"
                + "\"7\":{\"epoch\":\"" + epoch7 + "\",\"offset\":1},\"8\":{\"epoch\":\"" + epoch8 + "\",\"offset\":1}}}}");
        assertThat(Long.parseUnsignedLong(epoch7)).isPositive();
        ApiClient.Reply second = api.post("/goim/push/mids?operation=1000&mids=7", "again");
        assertThat(second.text()).isEqualTo("{\"code\":0,\"message\":\"\",\"data\":{\"routed\":2,\"positions\":{"
                + "\"7\":{\"epoch\":\"" + epoch7 + "\",\"offset\":2}}}}");
        assertThat(store.appends("mid:7")).isEqualTo(2);
        assertThat(bus.records()).hasSize(4); // (7, c1) and (7, c2), twice
    }

    @Test
    void shouldAnswerGoimsShapeWhenMembersKeepNoHistory() {
        ApiClient api = start(store, Map.of("JGOIM_HISTORY_MEMBERS_SIZE", "0"));
        assertThat(api.post("/goim/push/mids?operation=1000&mids=7,8", "hi").text())
                .isEqualTo("{\"code\":0,\"message\":\"\",\"data\":{\"routed\":2}}");
        assertThat(store.appends()).isZero();
    }

    @Test
    void shouldAnswerGoimsShapeWithoutAStore() {
        ApiClient api = start(null, Map.of());
        assertThat(api.post("/goim/push/mids?operation=1000&mids=7", "hi").text())
                .isEqualTo("{\"code\":0,\"message\":\"\",\"data\":{\"routed\":2}}");
    }

    @Test
    void shouldAnswer503AndPublishNothingWhenTheStoreFails() {
        ApiClient api = start(store, Map.of());
        store.down(ErrorCode.TIMEOUT);
        ApiClient.Reply r = api.post("/goim/push/mids?operation=1000&mids=7", "hi");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.code()).isEqualTo(ErrorCode.UNAVAILABLE.code());
        assertThat(r.json().get("message").asText()).startsWith("history store: ");
        assertThat(bus.records()).isEmpty();
        // A key push to a member's device is sequenced in its stream too: the same 503, nothing published ...
        ApiClient.Reply byKey = api.post("/goim/push/keys?operation=1000&keys=7-phone", "hi");
        assertThat(byKey.status()).isEqualTo(503);
        assertThat(byKey.code()).isEqualTo(ErrorCode.UNAVAILABLE.code());
        assertThat(bus.records()).isEmpty();
        // ... while a key of an anonymous session carries no position and does not touch the store.
        directory.addSession(0, "anon", "c1").join();
        ApiClient.Reply anon = api.post("/goim/push/keys?operation=1000&keys=anon", "hi");
        assertThat(anon.status()).isEqualTo(200);
        assertThat(anon.text()).isEqualTo("{\"code\":0,\"message\":\"\",\"data\":{\"routed\":1}}");
        assertThat(bus.records()).hasSize(1);
    }
}
