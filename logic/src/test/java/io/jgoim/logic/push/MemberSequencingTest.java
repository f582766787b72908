package io.jgoim.logic.push;

import com.google.protobuf.ByteString;
import io.jgoim.common.history.HistoryConfig;
import io.jgoim.common.history.HistoryStore;
import io.jgoim.common.history.Retention;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.logic.history.StreamHistory;
import io.jgoim.logic.testing.FaultyHistoryStore;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.ProtoCodec;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.stream.StreamPosition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Member pushes sequenced at publish: one append per member, records per (member, comet) carrying the position. */
class MemberSequencingTest {
    private static final ByteString MSG = ByteString.copyFromUtf8("hello");
    private static final Retention KEEP = new Retention(100, Duration.ofHours(1));
    private static final HistoryConfig MEMBERS = new HistoryConfig(Map.of(), KEEP);

    private final InMemorySessionDirectory directory = new InMemorySessionDirectory(Duration.ofMinutes(1));
    private final InMemoryPushPublisher bus = new InMemoryPushPublisher();
    private final FaultyHistoryStore store = new FaultyHistoryStore();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private PushService push(HistoryConfig config) {
        return new PushService(directory, bus, new StreamHistory(store, config), meters, Clock.systemUTC());
    }

    private void connect() {
        directory.addSession(1, "1-phone", "c1").join();
        directory.addSession(1, "1-web", "c1").join();
        directory.addSession(1, "1-pad", "c2").join();
        directory.addSession(2, "2-phone", "c1").join();
    }

    private List<PushMsg> recordsOf(long mid) {
        return bus.records().stream().map(InMemoryPushPublisher.Record::message)
                .filter(m -> m.getStream().equals(StreamPosition.memberStream(mid))).toList();
    }

    @Test
    void shouldGiveEachMemberContiguousOffsetsInOneEpoch() {
        connect();
        PushService push = push(MEMBERS);
        MidsPushed first = push.pushMids(1000, List.of(1L, 2L), MSG).join();
        MidsPushed second = push.pushMids(1000, List.of(1L), MSG).join();
        MidsPushed third = push.pushMids(1000, List.of(2L, 1L), MSG).join();
        assertThat(List.of(first.positions().get(1L).offset(), second.positions().get(1L).offset(),
                third.positions().get(1L).offset())).containsExactly(1L, 2L, 3L);
        assertThat(List.of(first.positions().get(2L).offset(), third.positions().get(2L).offset()))
                .containsExactly(1L, 2L);
        long epoch = first.positions().get(1L).epoch();
        assertThat(epoch).isPositive();
        assertThat(List.of(second.positions().get(1L).epoch(), third.positions().get(1L).epoch()))
                .containsOnly(epoch);
        assertThat(first.positions().get(1L).stream()).isEqualTo("mid:1");
        assertThat(third.positions().keySet()).containsExactly(2L, 1L); // the request's order
        assertThat(first.routed()).isEqualTo(4);
        assertThat(second.routed()).isEqualTo(3);
    }

    @Test
    void shouldAppendOncePerMemberAndPublishOneRecordPerMemberAndComet() {
        connect();
        MidsPushed pushed = push(MEMBERS).pushMids(1000, List.of(1L, 2L, 1L), MSG).join(); // 1 twice: once
        assertThat(store.appends("mid:1")).isEqualTo(1);
        assertThat(store.appends("mid:2")).isEqualTo(1);
        assertThat(store.appends()).isEqualTo(2);
        assertThat(pushed.routed()).isEqualTo(4);
        assertThat(bus.records()).hasSize(3).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo(r.message().getServer());
            assertThat(r.message().getType()).isEqualTo(PushMsg.Type.PUSH);
            assertThat(r.message().getOperation()).isEqualTo(1000);
            assertThat(r.message().getMsg()).isEqualTo(MSG);
        });
        StreamPosition one = pushed.positions().get(1L);
        assertThat(recordsOf(1)).hasSize(2).allSatisfy(m -> {
            assertThat(m.getEpoch()).isEqualTo(one.epoch());
            assertThat(m.getOffset()).isEqualTo(one.offset());
        });
        assertThat(recordsOf(1)).anySatisfy(m -> {
            assertThat(m.getServer()).isEqualTo("c1");
            assertThat(m.getKeysList()).containsExactlyInAnyOrder("1-phone", "1-web");
        }).anySatisfy(m -> {
            assertThat(m.getServer()).isEqualTo("c2");
            assertThat(m.getKeysList()).containsExactly("1-pad");
        });
        // Member 2 shares comet c1 with member 1 but gets its own record: its own stream, its own position.
        assertThat(recordsOf(2)).singleElement().satisfies(m -> {
            assertThat(m.getServer()).isEqualTo("c1");
            assertThat(m.getKeysList()).containsExactly("2-phone");
            assertThat(m.getOffset()).isEqualTo(pushed.positions().get(2L).offset());
        });
    }

    @Test
    void shouldAppendTheWholeGoimFrameOnceEvenForAMemberWithoutSessions() {
        MidsPushed pushed = push(MEMBERS).pushMids(1234, List.of(404L), MSG).join();
        assertThat(pushed.routed()).isZero();
        assertThat(pushed.positions()).containsOnlyKeys(404L);
        assertThat(bus.records()).isEmpty();
        HistoryStore.Slice slice = store.read("mid:404", 0, 10, false).join();
        assertThat(slice.epoch()).isEqualTo(pushed.positions().get(404L).epoch());
        assertThat(slice.top()).isEqualTo(1);
        ByteBuf expected = ProtoCodec.encode(UnpooledByteBufAllocator.DEFAULT, 1, 1234, 0,
                "hello".getBytes(StandardCharsets.UTF_8));
        try {
            // packLen 21, headerLen 16, ver 1, op 1234, seq 0, then the body: the bytes a TCP client gets.
            assertThat(slice.entries()).singleElement().isEqualTo(ByteBufUtil.getBytes(expected));
            assertThat(slice.entries().get(0)).startsWith(0, 0, 0, 21, 0, 16, 0, 1, 0, 0, 4, (byte) 0xd2, 0, 0, 0, 0);
        } finally {
            expected.release();
        }
    }

    @Test
    void shouldPushMembersWithoutHistoryAsToday() {
        connect();
        HistoryConfig roomsOnly = new HistoryConfig(Map.of(HistoryConfig.ANY_TYPE, KEEP), Retention.OFF);
        MidsPushed pushed = push(roomsOnly).pushMids(1000, List.of(1L, 2L), MSG).join();
        assertThat(pushed).isEqualTo(MidsPushed.unpositioned(4));
        assertThat(store.appends()).isZero();
        assertNoPositionsAndGroupedPerServer();
    }

    @Test
    void shouldPushAsTodayWithoutAStore() {
        connect();
        PushService push = new PushService(directory, bus, new StreamHistory(null, MEMBERS), meters,
                Clock.systemUTC());
        assertThat(push.pushMids(1000, List.of(1L, 2L), MSG).join()).isEqualTo(MidsPushed.unpositioned(4));
        assertNoPositionsAndGroupedPerServer();
    }

    private void assertNoPositionsAndGroupedPerServer() {
        assertThat(bus.records()).hasSize(2).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo(r.message().getServer());
            assertThat(r.message().getStream()).isEmpty();
            assertThat(r.message().getEpoch()).isZero();
            assertThat(r.message().getOffset()).isZero();
        });
        assertThat(bus.records()).anySatisfy(r -> {
            assertThat(r.message().getServer()).isEqualTo("c1");
            assertThat(r.message().getKeysList()).containsExactlyInAnyOrder("1-phone", "1-web", "2-phone");
        });
    }

    @Test
    void shouldFailWithUnavailableAndPublishNothingWhenTheStoreFails() {
        connect();
        PushService push = push(MEMBERS);
        for (ErrorCode storeCode : List.of(ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT)) {
            store.down(storeCode);
            CompletableFuture<MidsPushed> f = push.pushMids(1000, List.of(1L, 2L), MSG);
            assertThat(Failures.code(catchThrowable(f::join), ErrorCode.OK)).isEqualTo(ErrorCode.UNAVAILABLE);
        }
        assertThat(bus.records()).isEmpty();
        assertThat(meters.counter("jgoim.logic.history.append.failures").count()).isEqualTo(4);
        assertThat(meters.counter("jgoim.logic.push.sessions.routed").count()).isZero();
        // Up again: the stream starts at offset 1, nothing was taken by the failed pushes.
        store.down(null);
        assertThat(push.pushMids(1000, List.of(1L), MSG).join().positions().get(1L).offset()).isEqualTo(1);
    }

    @Test
    void shouldFailWhenTheBusRefusesAfterTheAppend() {
        connect();
        bus.setDown(true);
        CompletableFuture<MidsPushed> f = push(MEMBERS).pushMids(1000, List.of(1L), MSG);
        assertThat(Failures.code(catchThrowable(f::join), ErrorCode.OK)).isEqualTo(ErrorCode.UNAVAILABLE);
        // The entry stays in history (a resuming device gets it); the API said 503, so the caller retries.
        assertThat(store.read("mid:1", 0, 10, false).join().top()).isEqualTo(1);
    }

    @Test
    void shouldGiveARetriedPushItsFirstPositionWhenTheCallerNamesIt() {
        connect();
        PushService push = push(MEMBERS);
        bus.setDown(true);
        CompletableFuture<MidsPushed> refused = push.pushMids(1000, List.of(1L), MSG, false, "order-17");
        assertThat(Failures.code(catchThrowable(refused::join), ErrorCode.OK)).isEqualTo(ErrorCode.UNAVAILABLE);
        bus.setDown(false);
        // The caller retries the 503 with the same id: the member's stream already holds it (stored before the bus
        // refused), so the retry keeps that position instead of a second copy under a new one.
        MidsPushed retried = push.pushMids(1000, List.of(1L), MSG, false, "order-17").join();
        assertThat(retried.positions().get(1L).offset()).isEqualTo(1L);
        assertThat(store.read("mid:1", 0, 10, false).join().top()).isEqualTo(1);
        assertThat(recordsOf(1)).isNotEmpty().allSatisfy(m -> assertThat(m.getOffset()).isEqualTo(1L));
        // Another id is another message.
        assertThat(push.pushMids(1000, List.of(1L), MSG, false, "order-18").join().positions().get(1L).offset())
                .isEqualTo(2L);
        assertThat(catchThrowable(() -> push.pushMids(1000, List.of(1L), MSG, false, "x".repeat(129))))
                .isInstanceOfSatisfying(JgoimException.class, e -> assertThat(e.code())
                        .isEqualTo(ErrorCode.BAD_PARAMETER));
    }

    @Test
    void shouldSequenceAKeyPushOncePerMemberAndTellEveryCometOfTheMember() {
        connect();
        directory.addSession(0, "anon", "c2").join();
        directory.addSession(3, "3-phone", "c2").join();
        PushService push = push(new HistoryConfig(Map.of(), KEEP));
        MidsPushed pushed = push.pushKeys(1000, List.of("1-phone", "1-web", "anon", "3-phone", "gone"), MSG).join();
        assertThat(pushed.routed()).isEqualTo(4);
        assertThat(pushed.positions()).containsOnlyKeys(1L, 3L);
        assertThat(store.appends("mid:1")).isEqualTo(1);
        assertThat(store.appends("mid:3")).isEqualTo(1);
        HistoryStore.Slice s = store.read("mid:1", 0, 10, false).join();
        assertThat(s.entries()).hasSize(1);
        assertThat(io.jgoim.common.history.Audience.decode(s.audiences().get(1L)))
                .containsExactlyInAnyOrder("1-phone", "1-web");
        // member 1: its targets on c1, its other device (on c2) only advances
        StreamPosition one = pushed.positions().get(1L);
        assertThat(recordsOf(1)).hasSize(2).allSatisfy(m -> assertThat(m.getOffset()).isEqualTo(one.offset()))
                .anySatisfy(m -> {
                    assertThat(m.getServer()).isEqualTo("c1");
                    assertThat(m.getKeysList()).containsExactlyInAnyOrder("1-phone", "1-web");
                    assertThat(m.getAdvanceKeysList()).isEmpty();
                }).anySatisfy(m -> {
                    assertThat(m.getServer()).isEqualTo("c2");
                    assertThat(m.getKeysList()).isEmpty();
                    assertThat(m.getAdvanceKeysList()).containsExactly("1-pad");
                });
        // the anonymous key: goim's record, no position
        assertThat(bus.records()).map(InMemoryPushPublisher.Record::message)
                .filteredOn(m -> m.getStream().isEmpty()).singleElement().satisfies(m -> {
                    assertThat(m.getServer()).isEqualTo("c2");
                    assertThat(m.getKeysList()).containsExactly("anon");
                });
    }

    @Test
    void shouldPushKeysAsTodayWhenMemberStreamsKeepNoHistory() {
        connect();
        MidsPushed pushed = push(new HistoryConfig(Map.of(), Retention.OFF)).pushKeys(1000,
                List.of("1-phone", "1-pad"), MSG).join();
        assertThat(pushed.routed()).isEqualTo(2);
        assertThat(pushed.positions()).isEmpty();
        assertThat(store.appends()).isZero();
        assertThat(bus.records()).hasSize(2).allSatisfy(r -> {
            assertThat(r.message().getOffset()).isZero();
            assertThat(r.message().getAdvanceKeysList()).isEmpty();
        });
    }

    @Test
    void shouldKeepAKeyPushToADeviceThatIsAwayInItsMembersStream() {
        connect();
        directory.removeSession(1, "1-pad", "c2").join(); // the device reconnects, or its comet drains
        MidsPushed pushed = push(new HistoryConfig(Map.of(), KEEP)).pushKeys(1000, List.of("1-pad"), MSG).join();
        assertThat(pushed.routed()).isZero();
        assertThat(pushed.positions()).containsOnlyKeys(1L);
        HistoryStore.Slice s = store.read("mid:1", 0, 10, false).join();
        assertThat(io.jgoim.common.history.Audience.decode(s.audiences().get(1L))).containsExactly("1-pad");
        // the member's other devices advance; nothing is written for the away device
        assertThat(recordsOf(1)).singleElement().satisfies(m -> {
            assertThat(m.getServer()).isEqualTo("c1");
            assertThat(m.getKeysList()).isEmpty();
            assertThat(m.getAdvanceKeysList()).containsExactlyInAnyOrder("1-phone", "1-web");
        });
    }
}
