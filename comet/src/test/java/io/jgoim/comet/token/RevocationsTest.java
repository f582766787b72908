package io.jgoim.comet.token;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The comet's copy of the deny list: what matches, until when, and what it ignores. */
class RevocationsTest {
    private static final long NOW = 1_000_000;

    @Test
    void shouldMatchAMemberAJtiOrAKidInForceAndNothingElse() {
        Revocations.Builder b = new Revocations.Builder();
        assertThat(b.add("jti", "j-1", NOW + 1000)).isTrue();
        assertThat(b.add("kid", "leaked", NOW + 1000)).isTrue();
        assertThat(b.add("mid", "42", NOW + 1000)).isTrue();
        Revocations r = b.build();
        long j1 = TokenIds.jtiHash("j-1");
        int leaked = TokenIds.kid("leaked");
        int other = TokenIds.kid("fine");

        assertThat(r.matches(7, j1, other, NOW)).isTrue();
        assertThat(r.matches(7, TokenIds.jtiHash("j-2"), leaked, NOW)).isTrue();
        assertThat(r.matches(42, TokenIds.NONE, TokenIds.NONE, NOW)).isTrue();
        assertThat(r.matches(7, TokenIds.jtiHash("j-2"), other, NOW)).isFalse();
        assertThat(r.matches(7, TokenIds.NONE, TokenIds.NONE, NOW)).as("a goim session").isFalse();
        assertThat(r.matches(42, j1, leaked, NOW + 1000)).as("lapsed").isFalse();
    }

    @Test
    void shouldMatchARevokedMemberOfItsOwnTenantOnly() {
        Revocations.Builder b = new Revocations.Builder();
        assertThat(b.add("mid", "acme\u001f7", NOW + 1000)).isTrue();
        assertThat(b.add("mid", "8", NOW + 1000)).isTrue();
        assertThat(b.add("jti", "j-1", NOW + 1000)).isTrue();
        Revocations r = b.build();
        assertThat(r.size()).isEqualTo(3);
        assertThat(r.matches("acme", 7, TokenIds.NONE, TokenIds.NONE, NOW)).isTrue();
        assertThat(r.matches(7, TokenIds.NONE, TokenIds.NONE, NOW)).as("the default tenant's member 7").isFalse();
        assertThat(r.matches("beta", 7, TokenIds.NONE, TokenIds.NONE, NOW)).as("beta's member 7").isFalse();
        assertThat(r.matches(8, TokenIds.NONE, TokenIds.NONE, NOW)).isTrue();
        assertThat(r.matches("acme", 8, TokenIds.NONE, TokenIds.NONE, NOW)).as("acme's member 8").isFalse();
        assertThat(r.matches("beta", 1, TokenIds.jtiHash("j-1"), TokenIds.NONE, NOW)).as("a jti: any tenant")
                .isTrue();
        assertThat(r.matches("acme", 7, TokenIds.NONE, TokenIds.NONE, NOW + 1000)).as("lapsed").isFalse();
    }

    @Test
    void shouldIgnoreKindsAndMembersItDoesNotKnow() {
        Revocations.Builder b = new Revocations.Builder();
        assertThat(b.add("sid", "x", NOW + 1000)).isFalse();
        assertThat(b.add("mid", "not-a-number", NOW + 1000)).isFalse();
        assertThat(b.build()).isSameAs(Revocations.NONE);
        assertThat(Revocations.NONE.matches(0, 0, 0, NOW)).isFalse();
    }

    @Test
    void shouldHashJtisApartAndNumberKidsStably() {
        assertThat(TokenIds.jtiHash("")).isEqualTo(TokenIds.NONE);
        assertThat(TokenIds.jtiHash("a")).isNotEqualTo(TokenIds.NONE).isNotEqualTo(TokenIds.jtiHash("b"));
        assertThat(TokenIds.jtiHash("a")).isEqualTo(TokenIds.jtiHash("a"));
        assertThat(TokenIds.kid("")).isEqualTo(TokenIds.NONE);
        assertThat(TokenIds.kid("k-x")).isNotEqualTo(TokenIds.NONE).isEqualTo(TokenIds.kid("k-x"))
                .isNotEqualTo(TokenIds.kid("k-y"));
    }
}
