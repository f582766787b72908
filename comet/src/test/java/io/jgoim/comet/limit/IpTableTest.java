package io.jgoim.comet.limit;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class IpTableTest {
    private static final long SEC = TimeUnit.SECONDS.toNanos(1);
    private static final long A = IpKey.v4(0x0A000001);
    private static final long B = IpKey.v4(0x0A000002);

    @Test
    void shouldCapOpenConnectionsPerAddressAndGiveThemBack() {
        IpTable t = new IpTable(1024, 100, 0, 1, 0, SEC);
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int s = t.admit(0, A, i);
            assertThat(s).isGreaterThanOrEqualTo(0);
            slots.add(s);
        }
        assertThat(t.admit(0, A, 100)).isEqualTo(IpTable.TOO_MANY_CONNECTIONS);
        assertThat(t.admit(0, B, 100)).as("another address").isGreaterThanOrEqualTo(0);
        assertThat(t.connections(0, A)).isEqualTo(100);
        slots.forEach(t::release);
        assertThat(t.connections(0, A)).isZero();
        for (int i = 0; i < 1000; i++) {
            t.release(t.admit(0, A, 200 + i));
        }
        assertThat(t.connections(0, A)).as("no leak after open/close cycles").isZero();
    }

    @Test
    void shouldLimitTheConnectRateWithItsBurst() {
        IpTable t = new IpTable(1024, 0, 10, 5, 0, SEC);
        long now = 1_000 * SEC;
        int admitted = 0;
        for (int i = 0; i < 20; i++) {
            if (t.admit(0, A, now) >= 0) {
                admitted++;
            }
        }
        assertThat(admitted).as("the burst").isEqualTo(5);
        assertThat(t.admit(0, A, now)).isEqualTo(IpTable.RATE_LIMITED);
        assertThat(t.admit(0, A, now + SEC / 10)).as("one token a tenth of a second").isGreaterThanOrEqualTo(0);
        assertThat(t.admit(0, A, now + SEC / 10)).isEqualTo(IpTable.RATE_LIMITED);
    }

    @Test
    void shouldBanAfterTheFailuresOfAMinuteAndLiftIt() {
        IpTable t = new IpTable(1024, 0, 0, 1, 10, 60 * SEC);
        long now = 5 * SEC;
        int slot = t.admit(0, A, now);
        for (int i = 0; i < 10; i++) {
            assertThat(t.strike(slot, BanReason.AUTH_FAILURES, now)).isFalse();
        }
        assertThat(t.strike(slot, BanReason.AUTH_FAILURES, now)).as("the 11th failure bans").isTrue();
        assertThat(t.admit(0, A, now + SEC)).isEqualTo(IpTable.BANNED);
        assertThat(t.admit(0, B, now + SEC)).isGreaterThanOrEqualTo(0);
        List<Ban> bans = t.bans(now + SEC, 0);
        assertThat(bans).hasSize(1);
        assertThat(bans.get(0).ip()).isEqualTo("10.0.0.1");
        assertThat(bans.get(0).reason()).isEqualTo(BanReason.AUTH_FAILURES);
        assertThat(bans.get(0).count()).isEqualTo(11);
        assertThat(bans.get(0).refused()).isEqualTo(1);
        assertThat(t.bannedCount(now + SEC)).isEqualTo(1);
        assertThat(t.lift(0, A, now + 2 * SEC)).isTrue();
        assertThat(t.lift(0, A, now + 2 * SEC)).isFalse();
        assertThat(t.admit(0, A, now + 2 * SEC)).isGreaterThanOrEqualTo(0);
    }

    @Test
    void shouldEndABanAfterTheBanTime() {
        IpTable t = new IpTable(1024, 0, 0, 1, 1, 60 * SEC);
        int slot = t.admit(0, A, 0);
        t.strike(slot, BanReason.FLAPS, 0);
        assertThat(t.strike(slot, BanReason.FLAPS, 0)).isTrue();
        assertThat(t.admit(0, A, 59 * SEC)).isEqualTo(IpTable.BANNED);
        assertThat(t.admit(0, A, 61 * SEC)).isGreaterThanOrEqualTo(0);
        assertThat(t.bannedCount(61 * SEC)).isZero();
    }

    @Test
    void shouldStayBoundedUnderASprayOfAddressesAndKeepBusyOnes() {
        IpTable t = new IpTable(1024, 2, 0, 1, 1, 600 * SEC);
        int busy = t.admit(0, A, 0);
        int banned = t.admit(0, B, 0);
        t.strike(banned, BanReason.AUTH_FAILURES, 0);
        t.strike(banned, BanReason.AUTH_FAILURES, 0);
        t.release(banned);
        int untracked = 0;
        for (int i = 0; i < 1_000_000; i++) {
            int s = t.admit(0, IpKey.v4(0x0B000000 + i), i);
            if (s >= 0) {
                t.release(s);
            } else if (s == IpTable.UNTRACKED) {
                untracked++;
            }
        }
        assertThat(untracked).as("idle entries are evicted for new ones").isZero();
        assertThat(t.capacity()).isEqualTo(1024);
        assertThat(t.connections(0, A)).as("an address with an open connection stays").isEqualTo(1);
        assertThat(t.admit(0, B, 2_000_000)).as("a banned address stays").isEqualTo(IpTable.BANNED);
        t.release(busy);
    }

    @Test
    void shouldAdmitUntrackedWhenEveryCandidateSlotIsBusy() {
        IpTable t = new IpTable(1024, 0, 0, 1, 0, SEC);
        int untracked = 0;
        for (int i = 0; i < 5000; i++) {
            if (t.admit(0, IpKey.v4(0x0C000000 + i), i) == IpTable.UNTRACKED) {
                untracked++;
            }
        }
        assertThat(untracked).as("1024 slots hold at most 1024 busy addresses").isGreaterThanOrEqualTo(5000 - 1024);
    }

    @Test
    void shouldKeyIpv6ByItsSlash64() throws Exception {
        java.net.InetAddress a = java.net.InetAddress.getByName("2001:db8:0:1::1");
        java.net.InetAddress b = java.net.InetAddress.getByName("2001:db8:0:1:ffff::2");
        java.net.InetAddress c = java.net.InetAddress.getByName("2001:db8:0:2::1");
        assertThat(IpKey.hi(a)).isEqualTo(IpKey.hi(b)).isNotEqualTo(IpKey.hi(c));
        assertThat(IpKey.format(IpKey.hi(a), IpKey.lo(a))).isEqualTo("2001:db8:0:1::/64");
        java.net.InetAddress v4 = java.net.InetAddress.getByName("127.0.0.3");
        assertThat(IpKey.format(IpKey.hi(v4), IpKey.lo(v4))).isEqualTo("127.0.0.3");
    }
}
