package io.jgoim.logic.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class UnsignedTokenWarningTest {
    private final List<String> warnings = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000);
    private final UnsignedTokenWarning warning = new UnsignedTokenWarning(warnings::add, now::get);

    @Test
    void shouldStaySilentAtStartWhenEverythingIsOnLoopback() {
        assertThat(warning.atStart("127.0.0.1", List.of("127.0.0.1:3101", "localhost:3102", "[::1]:3103"))).isFalse();
        assertThat(warning.atStart(null, List.of())).isFalse();
        assertThat(warnings).isEmpty();
    }

    @Test
    void shouldWarnAtStartInOneBlockNamingEachExposure() {
        assertThat(warning.atStart("0.0.0.0", List.of("127.0.0.1:3101", "10.0.0.5:3101"))).isTrue();
        assertThat(warnings).hasSize(1);
        String block = warnings.get(0);
        assertThat(block).startsWith("UNSIGNED TOKENS ACCEPTED FROM THE NETWORK (auth.mode: goim)")
                .contains("logic gRPC (where comets connect) binds 0.0.0.0")
                .contains("a comet takes clients on 10.0.0.5:3101")
                .doesNotContain("127.0.0.1:3101")
                .contains("auth.mode: jwt");
        warnings.clear();
        assertThat(warning.atStart(null, List.of("comet.example.com:3101"))).isTrue();
        assertThat(warnings.get(0)).contains("comet.example.com:3101").doesNotContain("gRPC");
    }

    @Test
    void shouldWarnAtMostOnceAMinuteAboutNetworkClientsAndCountTheRest() {
        warning.onGoimToken("/127.0.0.1:5000");
        warning.onGoimToken("");
        assertThat(warnings).isEmpty();

        warning.onGoimToken("/203.0.113.7:5000");
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("203.0.113.7").contains("auth.mode: jwt").doesNotContain("more");

        now.addAndGet(TimeUnit.SECONDS.toNanos(59));
        warning.onGoimToken("/203.0.113.8:5000");
        warning.onGoimToken("/203.0.113.9:5000");
        assertThat(warnings).hasSize(1);

        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        warning.onGoimToken("/198.51.100.1:5000");
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(1)).contains("198.51.100.1").contains("and 2 more since the last warning");

        warning.onGoimToken("/198.51.100.2:5000");
        assertThat(warnings).hasSize(2);
    }

    @Test
    void shouldReportNetworkTokensThroughTheGoimAuthenticatorEvenWhenRefused() {
        GoimTokenAuthenticator auth = new GoimTokenAuthenticator(warning);
        byte[] token = "{\"mid\":1,\"key\":\"k\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(auth.authenticate(token, "/127.0.0.1:1").key()).isEqualTo("k");
        assertThat(warnings).isEmpty();
        try {
            auth.authenticate("not json".getBytes(StandardCharsets.UTF_8), "/10.1.2.3:1");
        } catch (io.jgoim.protocol.JgoimException expected) {
            // refused, and still reported
        }
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("10.1.2.3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3:80", "/127.0.0.1:5000", "localhost/127.0.0.1:5000", "localhost",
        "::1", "[::1]:3101", "/[0:0:0:0:0:0:0:1]:5000", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"})
    void shouldRecognizeLoopback(String address) {
        assertThat(UnsignedTokenWarning.isLoopback(address)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "10.0.0.1:3101", "/203.0.113.7:5000", "example.com:3101",
        "[2001:db8::1]:3101", "128.0.0.1", "localhost.example.com:1"})
    void shouldRecognizeNetworkAddresses(String address) {
        assertThat(UnsignedTokenWarning.isLoopback(address)).isFalse();
    }
}
