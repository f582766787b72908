package io.jgoim.comet.limit;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The automatic cap ({@code limits.maxConnections: 0}) and the counting of channels until they close. */
class ConnectionCapTest {
    @Test
    void shouldKeepMaxOf256And5PercentOfTheFileDescriptorLimitForTheNode() {
        // 700: 256 kept (5 % would be 35)
        assertThat(ConnectionCap.resolve(0, 700)).isEqualTo(444);
        // 1,048,576: 5 % (52,428) kept
        assertThat(ConnectionCap.resolve(0, 1_048_576)).isEqualTo(1_048_576 - 52_428);
        // 10,000: 500 kept
        assertThat(ConnectionCap.resolve(0, 10_000)).isEqualTo(9_500);
        // 300: the reserve would leave 44; half the limit stays for clients
        assertThat(ConnectionCap.resolve(0, 300)).isEqualTo(150);
    }

    @Test
    void shouldTakeAnExplicitCapAsIsAndHaveNoneWhenOffOrTheLimitIsUnknown() {
        assertThat(ConnectionCap.resolve(20, 700)).isEqualTo(20);
        assertThat(ConnectionCap.resolve(5000, 700)).as("the operator's word, even over the limit").isEqualTo(5000);
        assertThat(ConnectionCap.resolve(-1, 700)).isEqualTo(ConnectionCap.NONE);
        assertThat(ConnectionCap.resolve(0, -1)).isEqualTo(ConnectionCap.NONE);
    }

    @Test
    void shouldReadThisProcesssFileDescriptorLimit() {
        // the build runs on Linux, where the JVM reports ulimit -n
        assertThat(ConnectionCap.processFdLimit()).isPositive();
    }

    @Test
    void shouldCountEachChannelUntilItClosesRefusedOnesIncluded() {
        ConnectionCap cap = new ConnectionCap(2);
        EmbeddedChannel a = new EmbeddedChannel();
        EmbeddedChannel b = new EmbeddedChannel();
        EmbeddedChannel c = new EmbeddedChannel();
        assertThat(cap.open(a)).isTrue();
        assertThat(cap.open(b)).isTrue();
        assertThat(cap.open(c)).as("over the cap").isFalse();
        assertThat(cap.openCount()).isEqualTo(3);
        c.close();
        assertThat(cap.openCount()).isEqualTo(2);
        a.close();
        a.close();
        assertThat(cap.openCount()).as("a second close counts nothing").isEqualTo(1);
        EmbeddedChannel d = new EmbeddedChannel();
        assertThat(cap.open(d)).isTrue();
        b.close();
        d.close();
        assertThat(cap.openCount()).isZero();
        EmbeddedChannel closed = new EmbeddedChannel();
        closed.close();
        assertThat(cap.open(closed)).isTrue();
        assertThat(cap.openCount()).as("a channel closed before it was counted").isZero();
    }
}
