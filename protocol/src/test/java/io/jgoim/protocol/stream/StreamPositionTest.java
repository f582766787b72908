package io.jgoim.protocol.stream;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Stream names: the default tenant's as before, a declared tenant's namespaced, kinds recognised in both. */
class StreamPositionTest {
    @Test
    void shouldNameADeclaredTenantsStreamsInItsNamespaceAndTheDefaultTenantsAsBefore() {
        assertThat(StreamPosition.memberStream("", 5)).isEqualTo("mid:5").isEqualTo(StreamPosition.memberStream(5));
        assertThat(StreamPosition.memberStream("acme", 5)).isEqualTo("acme\u001fmid:5");
        assertThat(StreamPosition.broadcastStream("")).isEqualTo(StreamPosition.BROADCAST);
        assertThat(StreamPosition.broadcastStream("acme")).isEqualTo("acme\u001fbroadcast");
        assertThat(StreamPosition.sessionStreams("live://1", 5)).containsExactly("live://1", "mid:5", "broadcast");
        assertThat(StreamPosition.sessionStreams("acme\u001flive://1", 5, "acme"))
                .containsExactly("acme\u001flive://1", "acme\u001fmid:5", "acme\u001fbroadcast");
        assertThat(StreamPosition.sessionStreams("", 0, "acme")).containsExactly("acme\u001fbroadcast");
    }

    @Test
    void shouldRecogniseMemberAndBroadcastStreamsOfAnyTenantAndNothingElse() {
        for (String member : List.of("mid:5", "acme\u001fmid:5")) {
            assertThat(StreamPosition.isMemberStream(member)).as(member).isTrue();
            assertThat(StreamPosition.isBroadcastStream(member)).as(member).isFalse();
        }
        for (String broadcast : List.of("broadcast", "acme\u001fbroadcast")) {
            assertThat(StreamPosition.isBroadcastStream(broadcast)).as(broadcast).isTrue();
            assertThat(StreamPosition.isMemberStream(broadcast)).as(broadcast).isFalse();
        }
        for (String other : List.of("live://1", "acme\u001flive://1", "broadcasts", "acme\u001fbroadcast2",
                "live://mid:5", "xbroadcast")) {
            assertThat(StreamPosition.isMemberStream(other)).as(other).isFalse();
            assertThat(StreamPosition.isBroadcastStream(other)).as(other).isFalse();
        }
    }
}
