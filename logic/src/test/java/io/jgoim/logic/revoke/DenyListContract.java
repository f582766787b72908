package io.jgoim.logic.revoke;

import io.jgoim.logic.revoke.Revocation.Kind;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What every {@link DenyList} does, Redis and memory alike: entries found by jti, kid or member and by nothing
 * else, a version that changes with each revoke, the later time kept, lapsed entries neither found nor listed. The
 * clock starts at the real time (Redis expires the hash by it) and the test moves it forward.
 */
@Timeout(30)
abstract class DenyListContract {
    final ManualClock clock = new ManualClock(Instant.now());

    abstract DenyList denyList();

    private long in(Duration d) {
        return clock.millis() + d.toMillis();
    }

    @Test
    void shouldFindAnEntryByItsJtiKidOrMemberAndNothingElse() {
        DenyList d = denyList();
        assertThat(d.find("j1", "k1", 1).join()).isNull();
        d.revoke(new Revocation(Kind.JTI, "j1", in(Duration.ofMinutes(5)))).join();
        d.revoke(new Revocation(Kind.KID, "k2", in(Duration.ofMinutes(5)))).join();
        d.revoke(new Revocation(Kind.MID, "7", in(Duration.ofMinutes(5)))).join();

        assertThat(d.find("j1", "k1", 1).join()).isEqualTo(new Revocation(Kind.JTI, "j1", in(Duration.ofMinutes(5))));
        assertThat(d.find("", "k2", 1).join().kind()).isEqualTo(Kind.KID);
        assertThat(d.find("j9", "k1", 7).join().kind()).isEqualTo(Kind.MID);
        assertThat(d.find("j9", "k1", 1).join()).isNull();
        assertThat(d.find("", "", 8).join()).isNull();
        // A kid named like a jti is not that jti.
        assertThat(d.find("k2", "", 1).join()).isNull();
    }

    @Test
    void shouldRevokeAMemberOfOneTenantOnlyAndTokensAndKeysOfEveryTenant() {
        DenyList d = denyList();
        d.revoke(Revocation.member("acme", 7, in(Duration.ofMinutes(5)))).join();
        assertThat(d.find("", "", "acme", 7).join()).isEqualTo(Revocation.member("acme", 7, in(Duration.ofMinutes(5))));
        assertThat(d.find("", "", "acme", 7).join().tenant()).isEqualTo("acme");
        assertThat(d.find("", "", 7).join()).as("the default tenant's member 7").isNull();
        assertThat(d.find("", "", "beta", 7).join()).as("another tenant's member 7").isNull();
        d.revoke(new Revocation(Kind.MID, "8", in(Duration.ofMinutes(5)))).join();
        assertThat(d.find("", "", 8).join().tenant()).isEmpty();
        assertThat(d.find("", "", "acme", 8).join()).as("a default-tenant member revocation stays there").isNull();
        // A token and a signing key are no tenant's: refused whatever the session's tenant.
        d.revoke(new Revocation(Kind.JTI, "j1", in(Duration.ofMinutes(5)))).join();
        d.revoke(new Revocation(Kind.KID, "k1", in(Duration.ofMinutes(5)))).join();
        assertThat(d.find("j1", "", "acme", 1).join().kind()).isEqualTo(Kind.JTI);
        assertThat(d.find("", "k1", "beta", 1).join().kind()).isEqualTo(Kind.KID);
        assertThat(d.snapshot().join().entries()).contains(Revocation.member("acme", 7, in(Duration.ofMinutes(5))),
                new Revocation(Kind.MID, "8", in(Duration.ofMinutes(5))));
    }

    @Test
    void shouldChangeTheVersionWithEveryRevokeAndListTheEntries() {
        DenyList d = denyList();
        assertThat(d.version().join()).isEmpty();
        assertThat(d.snapshot().join().entries()).isEmpty();
        d.revoke(new Revocation(Kind.JTI, "j1", in(Duration.ofMinutes(5)))).join();
        String v1 = d.version().join();
        assertThat(v1).isNotEmpty();
        d.revoke(new Revocation(Kind.MID, "42", in(Duration.ofMinutes(5)))).join();
        String v2 = d.version().join();
        assertThat(v2).isNotEmpty().isNotEqualTo(v1);

        DenyList.Snapshot s = d.snapshot().join();
        assertThat(s.version()).isEqualTo(v2);
        assertThat(s.entries()).containsExactlyInAnyOrder(
                new Revocation(Kind.JTI, "j1", in(Duration.ofMinutes(5))),
                new Revocation(Kind.MID, "42", in(Duration.ofMinutes(5))));
    }

    @Test
    void shouldKeepTheLaterTimeOfTwoRevocationsOfOneId() {
        DenyList d = denyList();
        d.revoke(new Revocation(Kind.KID, "k", in(Duration.ofMinutes(10)))).join();
        d.revoke(new Revocation(Kind.KID, "k", in(Duration.ofMinutes(1)))).join();
        assertThat(d.find("", "k", 0).join().untilMs()).isEqualTo(in(Duration.ofMinutes(10)));
    }

    @Test
    void shouldForgetAnEntryOnceItLapsed() {
        DenyList d = denyList();
        d.revoke(new Revocation(Kind.JTI, "short", in(Duration.ofMinutes(1)))).join();
        d.revoke(new Revocation(Kind.JTI, "long", in(Duration.ofMinutes(10)))).join();
        clock.advance(Duration.ofMinutes(2));
        assertThat(d.find("short", "", 0).join()).isNull();
        assertThat(d.find("long", "", 0).join()).isNotNull();
        assertThat(d.snapshot().join().entries()).extracting(Revocation::value).containsExactly("long");
    }

    @Test
    void shouldRefuseAnEntryWithoutAValueOrWithABadMember() {
        assertThat(catchThrowableOfType(() -> new Revocation(Kind.JTI, "", 1), JgoimException.class).code())
                .isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(catchThrowableOfType(() -> new Revocation(Kind.MID, "x1", 1), JgoimException.class).code())
                .isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(new Revocation(Kind.MID, "007", 1).value()).isEqualTo("7");
    }

    /** A clock the test moves. */
    static final class ManualClock extends Clock {
        private volatile Instant now;

        ManualClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
