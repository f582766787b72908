package io.jgoim.comet.stream;

import io.jgoim.comet.frame.PushFrame;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pushes held behind a ver-3 session's auth reply, without sockets: order, bound, references. */
class HeldBeforeReplyTest {
    private final HeldBeforeReply held = new HeldBeforeReply(2);

    private static PushFrame plain() {
        return new PushFrame(Unpooled.buffer(16), ByteBufAllocator.DEFAULT);
    }

    @Test
    void shouldHoldNothingUntilTheResumeStarts() {
        assertThat(held.isHolding()).isFalse();
        held.start();
        assertThat(held.isHolding()).isTrue();
    }

    @Test
    void shouldHandBackInArrivalOrderThenStopHoldingAndReleaseItsReferences() {
        PushFrame a = plain();
        PushFrame b = plain();
        held.start();
        assertThat(held.offer(a)).isTrue();
        assertThat(held.offer(b)).isTrue();
        assertThat(a.refCnt()).isEqualTo(2);
        List<PushFrame> written = new ArrayList<>();
        held.handBack(f -> {
            assertThat(held.isHolding()).as("the caller's write path no longer holds").isFalse();
            written.add(f);
        });
        assertThat(written).containsExactly(a, b);
        assertThat(a.refCnt()).isEqualTo(1);
        assertThat(b.refCnt()).isEqualTo(1);
        a.release();
        b.release();
    }

    @Test
    void shouldRefuseAPushPastMaxHeldWithoutRetainingIt() {
        PushFrame[] f = {plain(), plain(), plain()};
        held.start();
        assertThat(held.offer(f[0])).isTrue();
        assertThat(held.offer(f[1])).isTrue();
        assertThat(held.offer(f[2])).isFalse();
        assertThat(f[2].refCnt()).isEqualTo(1);
        held.drop();
        for (PushFrame p : f) {
            assertThat(p.refCnt()).isEqualTo(1);
            p.release();
        }
    }

    @Test
    void shouldReleaseItsReferencesEvenWhenAWriteFails() {
        PushFrame a = plain();
        held.start();
        held.offer(a);
        assertThatThrownBy(() -> held.handBack(f -> {
            throw new IllegalStateException("write failed");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(a.refCnt()).isEqualTo(1);
        a.release();
    }
}
