package io.jgoim.logic.auth;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What every {@link Authenticator} twin honours (goim's JSON token, signed JWT), whatever its token format: the
 * claims of a valid token become the {@link Identity}; a token without a key gets a fresh UUID key; absent
 * room, platform and accepts read as empty; empty, garbage and cut-short tokens are refused with TOKEN_MALFORMED
 * (or, for a cut signature, another token code); and nothing but a {@link JgoimException} ever leaves
 * {@code authenticate}. Subclasses supply the twin and a factory of valid tokens in its format.
 */
abstract class AuthenticatorContract {
    abstract Authenticator authenticator();

    /**
     * A token this twin accepts, carrying these claims; a null argument leaves its claim out.
     */
    abstract byte[] token(long mid, String key, String roomId, String platform, List<Integer> accepts);

    private Identity check(byte[] token) {
        return authenticator().authenticate(token);
    }

    private ErrorCode refusal(byte[] token) {
        return catchThrowableOfType(JgoimException.class, () -> check(token)).code();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldReadEveryClaimOfAValidToken() {
        Identity id = check(token(42, "sess-1", "live://7", "ios", List.of(1000, 1001)));
        assertThat(sessionPart(id)).isEqualTo(new Identity(42, "sess-1", "live://7", "ios", List.of(1000, 1001)));
    }

    @Test
    void shouldGenerateAFreshUuidKeyForAnAbsentOrEmptyKey() {
        Identity absent = check(token(7, null, "live://7", "web", List.of(1000)));
        Identity empty = check(token(7, "", "live://7", "web", List.of(1000)));
        assertThat(UUID.fromString(absent.key())).isNotNull();
        assertThat(UUID.fromString(empty.key())).isNotNull();
        assertThat(absent.key()).isNotEqualTo(empty.key());
        assertThat(absent.memberId()).isEqualTo(7);
        assertThat(absent.roomId()).isEqualTo("live://7");
    }

    @Test
    void shouldReadAbsentRoomPlatformAndAcceptsAsEmpty() {
        Identity id = check(token(5, "k5", null, null, null));
        assertThat(sessionPart(id)).isEqualTo(new Identity(5, "k5", "", "", List.of()));
    }

    /**
     * goim takes any int64 member id and so do both twins; the mid is carried as given, sign included. (Refusing a
     * negative mid would be a behaviour change for both twins at once, made here.)
     */
    @Test
    void shouldCarryTheMemberIdAsGivenSignIncluded() {
        assertThat(check(token(-3, "k", null, null, null)).memberId()).isEqualTo(-3);
        assertThat(check(token(Long.MAX_VALUE, "k", null, null, null)).memberId()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldRefuseAnEmptyTokenAsMalformed() {
        assertThat(refusal(new byte[0])).isEqualTo(ErrorCode.TOKEN_MALFORMED);
        assertThat(refusal(null)).isEqualTo(ErrorCode.TOKEN_MALFORMED);
    }

    @Test
    void shouldRefuseGarbageAsMalformed() {
        for (String garbage : List.of("garbage", " ", "{", "[]", "a.b.c", "null", "\u0000\u0001\u00ff")) {
            assertThat(refusal(ascii(garbage))).as(garbage).isEqualTo(ErrorCode.TOKEN_MALFORMED);
        }
    }

    @Test
    void shouldRefuseATokenCutToHalfAsMalformed() {
        byte[] token = token(42, "sess-1", "live://7", "ios", List.of(1000));
        assertThat(refusal(Arrays.copyOf(token, token.length / 2))).isEqualTo(ErrorCode.TOKEN_MALFORMED);
    }

    @Test
    void shouldRefuseEveryShorterPrefixOfAValidToken() {
        byte[] token = token(42, "sess-1", "live://7", "ios", List.of(1000));
        for (int n = 1; n < token.length; n++) {
            byte[] prefix = Arrays.copyOf(token, n);
            Throwable t = catchThrowable(() -> check(prefix));
            assertThat(t).as("prefix of %d bytes", n).isInstanceOf(JgoimException.class);
        }
    }

    /** Every single-byte change of a valid token is either still a token or a JgoimException, never another throw. */
    @Test
    void shouldThrowNothingButJgoimExceptionForAlteredTokens() {
        byte[] token = token(42, "sess-1", "live://7", "ios", List.of(1000, 1001));
        byte[] replacements = ascii("\"0-.}A ,e\u00ff");
        for (int i = 0; i < token.length; i++) {
            for (byte b : replacements) {
                byte[] altered = token.clone();
                altered[i] = b;
                assertOnlyJgoimException(altered, "byte " + i + " -> " + (char) (b & 0xff));
            }
        }
        Random random = new Random(42);
        for (int i = 0; i < 500; i++) {
            byte[] noise = new byte[random.nextInt(64) + 1];
            random.nextBytes(noise);
            assertOnlyJgoimException(noise, "random bytes #" + i);
        }
    }

    private void assertOnlyJgoimException(byte[] token, String what) {
        Throwable t = catchThrowable(() -> check(token));
        if (t != null) {
            assertThat(t).as(what).isInstanceOf(JgoimException.class);
            assertThat(((JgoimException) t).code()).as(what).isNotEqualTo(ErrorCode.OK);
        }
    }

    /** The identity without the token's lifetime and ids (the JWT authenticator's own tests check those). */
    static Identity sessionPart(Identity id) {
        return new Identity(id.memberId(), id.key(), id.roomId(), id.platform(), id.accepts());
    }
}
