package io.jgoim.logic.http;

import com.google.protobuf.ByteString;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.logic.ApiClient;
import io.jgoim.logic.LogicConfig;
import io.jgoim.logic.LogicServer;
import io.jgoim.logic.push.InMemoryPushPublisher;
import io.jgoim.logic.push.UpstreamPublisher;
import io.jgoim.logic.testing.FaultyHistoryStore;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.rpc.logic.AckReq;
import io.jgoim.protocol.rpc.logic.ConnectReq;
import io.jgoim.protocol.rpc.logic.DeviceAck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Must-deliver pushes over a real socket: {@code must_deliver} refused with HISTORY_OFF when member streams keep no
 * history (nothing published), devices recorded by position-aware Connects only, acks taken through logic's Ack call,
 * and {@code GET /goim/push/acks} telling which device acked, with its error codes.
 */
class MustDeliverIT {
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
        return new ApiClient(logic.httpAddress());
    }

    @AfterEach
    void close() {
        if (logic != null) {
            logic.close();
        }
    }

    private void connect(long mid, String key, boolean positions) {
        assertThat(logic.service().connect(ConnectReq.newBuilder().setServer("c1").setPositions(positions)
                .setToken(ByteString.copyFromUtf8("{\"mid\":" + mid + ",\"key\":\"" + key + "\"}")).build()).join()
                .getErrorCode()).isZero();
    }

    private void ack(long mid, String key, String epoch, long offset) {
        logic.service().ack(AckReq.newBuilder().setServer("c1").addAcks(DeviceAck.newBuilder().setMid(mid)
                .setKey(key).setStream("mid:" + mid).setEpoch(Long.parseUnsignedLong(epoch)).setOffset(offset))
                .build()).join();
    }

    private static Map<String, Boolean> devices(ApiClient.Reply r) {
        Map<String, Boolean> out = new HashMap<>();
        r.data().get("devices").forEach(d -> out.put(d.get("key").asText(), d.get("acked").asBoolean()));
        return out;
    }

    @Test
    void shouldTellWhichDevicesAckedAMustDeliverPush() {
        ApiClient api = start(store, Map.of());
        connect(7, "7-phone", true);
        connect(7, "7-web", true);
        connect(7, "7-goim", false); // cannot ack: not waited for
        ApiClient.Reply pushed = api.post("/goim/push/mids?operation=1000&mids=7&must_deliver=true", "must");
        assertThat(pushed.status()).as(pushed.text()).isEqualTo(200);
        String epoch = pushed.data().get("positions").get("7").get("epoch").asText();
        long offset = pushed.data().get("positions").get("7").get("offset").asLong();
        assertThat(bus.records()).hasSize(1); // one comet holds the three sessions

        String status = "/goim/push/acks?mid=7&epoch=" + epoch + "&offset=" + offset;
        ApiClient.Reply before = api.get(status);
        assertThat(before.status()).as(before.text()).isEqualTo(200);
        assertThat(before.text()).isEqualTo("{\"code\":0,\"message\":\"\",\"data\":{\"stream\":\"mid:7\",\"epoch\":\""
                + epoch + "\",\"offset\":" + offset + ",\"devices\":[{\"key\":\"7-phone\",\"acked\":false},"
                + "{\"key\":\"7-web\",\"acked\":false}]}}");

        ack(7, "7-phone", epoch, offset);
        assertThat(devices(api.get(status))).isEqualTo(Map.of("7-phone", true, "7-web", false));
        // an ack of another member's stream, or of an offset never assigned, is not taken
        logic.service().ack(AckReq.newBuilder().addAcks(DeviceAck.newBuilder().setMid(8).setKey("7-web")
                .setStream("mid:7").setEpoch(Long.parseUnsignedLong(epoch)).setOffset(offset)).build()).join();
        assertThat(logic.service().ack(AckReq.newBuilder().addAcks(DeviceAck.newBuilder().setMid(7).setKey("7-web")
                .setStream("mid:7").setEpoch(Long.parseUnsignedLong(epoch)).setOffset(offset + 5)).build())
                .join().getTaken()).isZero();
        assertThat(devices(api.get(status))).isEqualTo(Map.of("7-phone", true, "7-web", false));

        api.post("/goim/push/mids?operation=1000&mids=7", "later");
        ack(7, "7-web", epoch, offset + 1); // cumulative: acks the must-deliver message too
        assertThat(devices(api.get(status))).isEqualTo(Map.of("7-phone", true, "7-web", true));
    }

    @Test
    void shouldRefuseBadAckQueriesWithTheirCodes() {
        ApiClient api = start(store, Map.of());
        ApiClient.Reply pushed = api.post("/goim/push/mids?operation=1000&mids=7&must_deliver=1", "must");
        String epoch = pushed.data().get("positions").get("7").get("epoch").asText();
        long other = Long.parseUnsignedLong(epoch) + 1;

        ApiClient.Reply oldEpoch = api.get("/goim/push/acks?mid=7&epoch=" + Long.toUnsignedString(other) + "&offset=1");
        assertThat(oldEpoch.status()).isEqualTo(409);
        assertThat(oldEpoch.code()).isEqualTo(ErrorCode.EPOCH_CHANGED.code());
        ApiClient.Reply unknownMember = api.get("/goim/push/acks?mid=99&epoch=" + epoch + "&offset=1");
        assertThat(unknownMember.code()).isEqualTo(ErrorCode.EPOCH_CHANGED.code());
        ApiClient.Reply ahead = api.get("/goim/push/acks?mid=7&epoch=" + epoch + "&offset=2");
        assertThat(ahead.status()).isEqualTo(400);
        assertThat(ahead.code()).isEqualTo(ErrorCode.POSITION_AHEAD.code());
        for (String bad : new String[] {"/goim/push/acks?epoch=" + epoch + "&offset=1",
                "/goim/push/acks?mid=7&epoch=-1&offset=1", "/goim/push/acks?mid=7&epoch=x&offset=1",
                "/goim/push/acks?mid=7&epoch=" + epoch, "/goim/push/acks?mid=7&epoch=" + epoch + "&offset=0"}) {
            ApiClient.Reply r = api.get(bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.code()).as(bad).isEqualTo(ErrorCode.BAD_PARAMETER.code());
        }
        assertThat(api.post("/goim/push/acks?mid=7&epoch=" + epoch + "&offset=1", "x").status()).isEqualTo(405);
        ApiClient.Reply notBool = api.post("/goim/push/mids?operation=1000&mids=7&must_deliver=yes", "x");
        assertThat(notBool.code()).isEqualTo(ErrorCode.BAD_PARAMETER.code());
        assertThat(bus.records()).isEmpty(); // no session: the pushes were appended, nothing published
    }

    @Test
    void shouldRefuseMustDeliverWhenMembersKeepNoHistory() {
        ApiClient api = start(store, Map.of("JGOIM_HISTORY_MEMBERS_SIZE", "0"));
        directory.addSession(7, "7-phone", "c1").join();
        ApiClient.Reply r = api.post("/goim/push/mids?operation=1000&mids=7&must_deliver=true", "must");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.code()).isEqualTo(ErrorCode.HISTORY_OFF.code());
        assertThat(bus.records()).isEmpty();
        assertThat(store.appends()).isZero();
        ApiClient.Reply acks = api.get("/goim/push/acks?mid=7&epoch=1&offset=1");
        assertThat(acks.status()).isEqualTo(409);
        assertThat(acks.code()).isEqualTo(ErrorCode.HISTORY_OFF.code());
        // the same push without must_deliver is goim's
        assertThat(api.post("/goim/push/mids?operation=1000&mids=7&must_deliver=false", "plain").status())
                .isEqualTo(200);
        assertThat(bus.records()).hasSize(1);
    }

    @Test
    void shouldRefuseMustDeliverWithoutAStore() {
        ApiClient api = start(null, Map.of());
        directory.addSession(7, "7-phone", "c1").join();
        ApiClient.Reply r = api.post("/goim/push/mids?operation=1000&mids=7&must_deliver=true", "must");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.code()).isEqualTo(ErrorCode.HISTORY_OFF.code());
        assertThat(bus.records()).isEmpty();
    }

    @Test
    void shouldStillConnectWhenTheDeviceCannotBeRecorded() {
        start(store, Map.of());
        store.down(ErrorCode.UNAVAILABLE);
        connect(7, "7-phone", true); // the route is what a session needs; its first ack records the device
        assertThat(directory.keysByMids(java.util.List.of(7L)).join()).containsKey("7-phone");
    }
}
