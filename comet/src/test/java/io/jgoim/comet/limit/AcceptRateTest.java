package io.jgoim.comet.limit;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.assertj.core.api.Assertions.assertThat;

class AcceptRateTest {
    private static final long SEC = TimeUnit.SECONDS.toNanos(1);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void shouldBookRateRefusalsInEachSecondFromOneSecondOn() {
        AtomicLong now = new AtomicLong(1_000 * SEC);
        AcceptRate a = new AcceptRate(10, 1, now::get);
        // places at +1.0, +1.1, ... +1.9 s are told 1; +2.0 .. +2.9 told 2; and so on
        for (int second = 1; second <= 5; second++) {
            for (int i = 0; i < 10; i++) {
                assertThat(a.retryAfterSeconds()).as("refusal %d of second %d", i, second).isEqualTo(second);
            }
        }
        // time passing does not move a booked place: 2.5 s later the next place (+6.0 s then) is 3.5 s away
        now.addAndGet(2_500 * MS);
        assertThat(a.retryAfterSeconds()).isEqualTo(3);
    }

    @Test
    void shouldStartAgainAtOneSecondOnceTheCalendarIsPast() {
        AtomicLong now = new AtomicLong(-5 * SEC); // nanoTime may be negative; compared by difference
        AcceptRate a = new AcceptRate(4, 1, now::get);
        for (int i = 0; i < 8; i++) {
            a.retryAfterSeconds();
        }
        assertThat(a.retryAfterSeconds()).isEqualTo(3);
        now.addAndGet(10 * SEC);
        assertThat(a.retryAfterSeconds()).isEqualTo(1);
        assertThat(a.retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void shouldCapAtTheHorizonWithoutBookingPastIt() {
        AtomicLong now = new AtomicLong(0);
        AcceptRate a = new AcceptRate(2, 1, now::get);
        // 29 seconds of 2 places: 58 refusals told 1..29
        for (int i = 0; i < 58; i++) {
            assertThat(a.retryAfterSeconds()).isEqualTo(1 + i / 2);
        }
        for (int i = 0; i < 1_000; i++) {
            assertThat(a.retryAfterSeconds()).isEqualTo(AcceptRate.HORIZON_SECONDS);
        }
        // nothing was booked past the horizon: half a second later the calendar's next place is 29.5 s away
        now.addAndGet(SEC / 2);
        assertThat(a.retryAfterSeconds()).isEqualTo(29);
        assertThat(a.retryAfterSeconds()).isEqualTo(AcceptRate.HORIZON_SECONDS);
    }

    @Test
    void shouldLeaveTheBucketAsItWas() {
        AtomicLong now = new AtomicLong(0);
        AcceptRate a = new AcceptRate(10, 2, now::get);
        assertThat(a.tryAcquire()).isTrue();
        assertThat(a.tryAcquire()).isTrue();
        assertThat(a.tryAcquire()).isFalse();
        for (int i = 0; i < 100; i++) {
            a.retryAfterSeconds();
        }
        now.addAndGet(100 * MS);
        assertThat(a.tryAcquire()).as("booking places takes no token").isTrue();
        assertThat(a.tryAcquire()).isFalse();
    }

    @Test
    void shouldTellOneSecondWhenTheRateIsOff() {
        AcceptRate a = new AcceptRate(0, 1, () -> 0);
        assertThat(a.retryAfterSeconds()).isEqualTo(1);
        assertThat(a.retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void shouldBookEveryPlaceOnceUnderConcurrentRefusals() throws Exception {
        int rate = 1_000;
        int threads = 4;
        int each = 5_000; // 20,000 refusals: 20 s of places, inside the horizon
        AcceptRate a = new AcceptRate(rate, 1, () -> 0);
        AtomicLongArray told = new AtomicLongArray(AcceptRate.HORIZON_SECONDS + 1);
        CountDownLatch go = new CountDownLatch(1);
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    told.incrementAndGet(a.retryAfterSeconds());
                }
            });
            ts[t].start();
        }
        go.countDown();
        for (Thread t : ts) {
            t.join();
        }
        // a lost compare-and-set would book a place twice: one second would hold more than the rate
        for (int s = 1; s <= 20; s++) {
            assertThat(told.get(s)).as("told %d s", s).isEqualTo(rate);
        }
        assertThat(told.get(0)).isZero();
        assertThat(told.get(21)).isZero();
        assertThat(a.retryAfterSeconds()).isEqualTo(21);
    }
}
