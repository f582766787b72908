package io.jgoim.comet.index;

import io.jgoim.comet.TestSessions;
import io.jgoim.comet.frame.SessionTransport;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionIndexTest {
    private final TestSessions sessions = new TestSessions();
    private final EmbeddedChannel ch = new EmbeddedChannel();
    private final SessionLoops loops = new SessionLoops(ch.eventLoop());

    private Session session(String key) {
        return sessions.session(ch, SessionTransport.TCP, key, 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 32, 1024})
    void shouldFindEverySessionByKey(int size) {
        SessionIndex b = new SessionIndex(size, 16, loops);
        for (int i = 0; i < 500; i++) {
            assertThat(b.register(session("key-" + i), "")).isNull();
        }
        assertThat(b.sessionCount()).isEqualTo(500);
        for (int i = 0; i < 500; i++) {
            assertThat(b.session("key-" + i).key()).isEqualTo("key-" + i);
        }
    }

    @Test
    void shouldRejectBucketCountThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> new SessionIndex(3, 16, loops)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldReturnReplacedSessionAndRemoveOnlyTheSameSession() {
        SessionIndex b = new SessionIndex(4, 16, loops);
        Session old = session("k");
        Session newer = session("k");
        b.register(old, "");
        assertThat(b.register(newer, "")).isSameAs(old);
        // The old channel's late close must not evict the new session.
        assertThat(b.unregister(old)).isFalse();
        assertThat(b.session("k")).isSameAs(newer);
        assertThat(b.unregister(newer)).isTrue();
        assertThat(b.session("k")).isNull();
    }

    @Test
    void shouldJoinLeaveAndDropEmptiedRooms() {
        SessionIndex b = new SessionIndex(4, 16, loops);
        Session s1 = session("a");
        Session s2 = session("b");
        Room r = b.join(s1, "live://1");
        assertThat(b.join(s2, "live://1")).isSameAs(r);
        assertThat(r.online()).isEqualTo(2);
        assertThat(r.shard(0).size()).isEqualTo(2);
        assertThat(b.roomCounts()).isEqualTo(Map.of("live://1", 2));

        b.join(s1, "live://2");
        assertThat(r.online()).isEqualTo(1);
        assertThat(s1.room().id()).isEqualTo("live://2");
        b.leave(s2);
        assertThat(b.room("live://1")).as("emptied room leaves its bucket").isNull();
        assertThat(r.tryEnter()).as("a dead room cannot be entered").isFalse();

        Room again = b.join(s2, "live://1");
        assertThat(again).isNotSameAs(r);
        assertThat(again.online()).isEqualTo(1);
        assertThat(b.roomCount()).isEqualTo(2);
    }

    @Test
    void shouldPreferClusterCountForHeartbeats() {
        SessionIndex b = new SessionIndex(4, 16, loops);
        Room r = b.join(session("a"), "live://1");
        assertThat(r.heartbeatOnline()).isEqualTo(1);
        b.clusterCounts(Map.of("live://1", 40));
        assertThat(r.heartbeatOnline()).isEqualTo(40);
        b.clusterCounts(Map.of());
        assertThat(r.heartbeatOnline()).isEqualTo(1);
    }
}
