package io.jgoim.logic.push;

import com.google.protobuf.ByteString;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.push.PushMsg;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class PushServiceTest {
    private static final ByteString MSG = ByteString.copyFromUtf8("m");
    private final InMemorySessionDirectory directory = new InMemorySessionDirectory(Duration.ofMinutes(1));
    private final InMemoryPushPublisher bus = new InMemoryPushPublisher();
    private final PushService push = new PushService(directory, bus, new SimpleMeterRegistry(), Clock.systemUTC());

    private static ErrorCode code(Executable call) {
        Throwable t = catchThrowable(call::execute);
        if (t instanceof CompletionException) {
            t = t.getCause();
        }
        assertThat(t).isInstanceOf(JgoimException.class);
        return ((JgoimException) t).code();
    }

    @Test
    void shouldGroupKeysPerCometAndKeyRecordsByServer() {
        directory.addSession(1, "a", "c1").join();
        directory.addSession(2, "b", "c1").join();
        directory.addSession(3, "c", "c2").join();
        assertThat(push.pushKeys(1000, List.of("a", "b", "c", "zzz"), MSG).join().routed()).isEqualTo(3);
        assertThat(bus.records()).hasSize(2).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo(r.message().getServer());
            assertThat(r.message().getType()).isEqualTo(PushMsg.Type.PUSH);
        });
        assertThat(bus.records()).anySatisfy(r -> assertThat(r.message().getKeysList())
                .containsExactlyInAnyOrder("a", "b"));
    }

    @Test
    void shouldPublishNothingWhenNoTargetIsConnected() {
        assertThat(push.pushMids(1000, List.of(404L), MSG).join()).isEqualTo(MidsPushed.unpositioned(0));
        assertThat(bus.records()).isEmpty();
    }

    @Test
    void shouldRefuseBadPushesWithBadParameter() {
        assertThat(code(() -> push.pushKeys(999, List.of("a"), MSG))).isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(code(() -> push.pushKeys(1000, List.of(), MSG))).isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(code(() -> push.pushKeys(1000, List.of(""), MSG))).isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(code(() -> push.pushKeys(1000, Collections.nCopies(PushService.MAX_TARGETS + 1, "k"), MSG)))
                .isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(code(() -> push.pushKeys(1000, List.of("a"), ByteString.EMPTY))).isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(code(() -> push.pushMids(1000, List.of(), MSG))).isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(code(() -> push.pushRoom(1000, "", "1", MSG))).isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(code(() -> push.pushRoom(1000, "live://x", "1", MSG))).isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(code(() -> push.pushRoom(1000, "live", "", MSG))).isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(code(() -> push.pushAll(1000, -1, MSG))).isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(bus.records()).isEmpty();
    }

    /** A default-tenant caller cannot name another tenant's key ("tenant" US "key" is that tenant's own store key). */
    @Test
    void shouldRefuseAKeyHoldingTheTenantSeparatorFromTheDefaultTenantToo() {
        directory.forTenant("loadtest").addSession(5, "k1", "c1").join();
        assertThat(code(() -> push.pushKeys(1000, List.of("loadtest\u001fk1"), MSG)))
                .isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(code(() -> push.forTenant("loadtest").pushKeys(1000, List.of("x\u001fk1"), MSG)))
                .isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(bus.records()).isEmpty();
    }

    @Test
    void shouldFailWithUnavailableWhenBusRefuses() {
        directory.addSession(1, "a", "c1").join();
        bus.setDown(true);
        assertThat(code(() -> push.pushKeys(1000, List.of("a"), MSG).join())).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(code(() -> push.pushRoom(1000, "live", "1", MSG).join())).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(code(() -> push.pushAll(1000, 0, MSG).join())).isEqualTo(ErrorCode.UNAVAILABLE);
    }

    @Test
    void shouldKeyRoomPushesByRoomAndBroadcastsByConstant() {
        push.pushRoom(1000, "live", "7", MSG).join();
        push.pushAll(1001, 100, MSG).join();
        assertThat(bus.records()).extracting(InMemoryPushPublisher.Record::key)
                .containsExactly("live://7", PushService.BROADCAST_KEY);
    }

    @Test
    void shouldCarryTheCallersIdOfARoomPushOrBroadcastInItsRecord() {
        push.pushRoom(1000, "live", "7", MSG, "order-1").join();
        push.pushAll(1001, 0, MSG, "all-1").join();
        push.pushRoom(1000, "live", "7", MSG).join();
        assertThat(bus.records()).extracting(r -> r.message().getPushId()).containsExactly("order-1", "all-1", "");
        assertThat(code(() -> push.pushRoom(1000, "live", "7", MSG, ""))).isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(code(() -> push.pushAll(1000, 0, MSG, "x".repeat(PushService.MAX_PUSH_ID + 1))))
                .isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(bus.records()).hasSize(3);
    }
}
