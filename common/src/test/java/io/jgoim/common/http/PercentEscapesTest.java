package io.jgoim.common.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PercentEscapesTest {
    @ParameterizedTest
    @ValueSource(strings = {"/a?k=%zz", "/a?k=%", "/a?k=%4", "/a?k=%4g", "/%zz", "/a%?k=1", "/a?k=%ff", "/a?k=%c3%28",
        "/a?k=%e2%82", "/a?k=%e2%82x", "/%c0%af", "/a?%zz=1", "/a?k=%ed%a0%80", "/a?k=%80", "/a?k=%e0%80%80",
        "/a?k=%f4%90%80%80", "/a?k=%f5%80%80%80", "/a?k=%c3%a9%a9", "/a?k=%f0%9f%98"})
    void shouldFindTheProblemInEveryMalformedTarget(String target) {
        assertThat(PercentEscapes.problem(target)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a?k=\u00e9", "/a?k=\u00c3\u00a9", "/a?k=a\u0000b", "/a?k=\u001b[31m", "/a?k=\u007f",
        "/a\u0080", "/a?k=\u00ff", "/a?k=1#\u0000", "/a?k=\t"})
    void shouldNameTheRawByteThatMustBeEscaped(String target) {
        int at = 0;
        while (target.charAt(at) > 0x20 && target.charAt(at) < 0x7f) {
            at++;
        }
        assertThat(PercentEscapes.problem(target)).isEqualTo(String.format(
                "byte 0x%02X at offset %d must be percent-encoded", (int) target.charAt(at), at));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a", "/a?k=1&j=2", "/a?k=%20x%20", "/a?k=%e2%82%ac", "/a?k=%C3%A9", "/%41?k=+",
        "/a?k=%f0%9f%98%80%f0%9f%98%80%f0%9f%98%80", "/a?k=1#%zz", "/a?k=%25", "/a?k=%ed%9f%bf", "/a?k=%f4%8f%bf%bf",
        "/a?k=%e0%a0%80", "/a?k=%7f%00", "/a?k=|{}\"^`[]\\<>"})
    void shouldPassEveryWellFormedTargetThatNettyDecodes(String target) {
        assertThat(PercentEscapes.problem(target)).isNull();
        QueryStringDecoder decoded = new QueryStringDecoder(target);
        assertThat(decoded.path()).doesNotContain("\uFFFD");
        assertThat(decoded.parameters().toString()).doesNotContain("\uFFFD");
    }

    @Test
    void shouldJudgeUtf8ExactlyAsTheJdksStrictDecoder() {
        for (int a = 0; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                assertAgreesWithJdk(new byte[] {(byte) a, (byte) b});
            }
        }
        Random random = new Random(42);
        for (int n = 0; n < 200_000; n++) {
            byte[] bytes = new byte[1 + random.nextInt(4)];
            bytes[0] = (byte) (0xC0 + random.nextInt(64)); // mostly lead bytes of multi-byte sequences
            for (int i = 1; i < bytes.length; i++) {
                bytes[i] = (byte) (random.nextBoolean() ? 0x80 + random.nextInt(64) : random.nextInt(256));
            }
            assertAgreesWithJdk(bytes);
        }
    }

    private static void assertAgreesWithJdk(byte[] bytes) {
        StringBuilder target = new StringBuilder("/a?k=");
        for (byte b : bytes) {
            target.append('%').append(String.format("%02x", b & 0xFF));
        }
        boolean jdkValid;
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            jdkValid = true;
        } catch (CharacterCodingException e) {
            jdkValid = false;
        }
        assertThat(PercentEscapes.problem(target.toString()) == null).as(target.toString()).isEqualTo(jdkValid);
    }
}
