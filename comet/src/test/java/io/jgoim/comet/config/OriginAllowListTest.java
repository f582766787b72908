package io.jgoim.comet.config;

import io.jgoim.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OriginAllowListTest {
    private static final String KEY = "webSocket.allowedOrigins";

    private static OriginAllowList list(String... entries) {
        return OriginAllowList.parse(List.of(entries), KEY);
    }

    @ParameterizedTest(name = "{0} allows {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        // exact: scheme and host ignore case, an absent port is the scheme's default, any other port differs
        "https://app.example.com     | https://app.example.com          | true",
        "https://app.example.com     | HTTPS://App.Example.COM          | true",
        "https://app.example.com     | https://app.example.com:443      | true",
        "HTTPS://APP.example.com     | https://app.example.com          | true",
        "https://app.example.com     | https://app.example.com:8443     | false",
        "https://app.example.com     | http://app.example.com           | false",
        "https://app.example.com     | https://app.example.com.evil.io  | false",
        "https://app.example.com     | https://evilapp.example.com      | false",
        "https://app.example.com:8443| https://app.example.com:8443     | true",
        "https://app.example.com:8443| https://app.example.com          | false",
        "http://app.example.com      | http://app.example.com:80        | true",
        // host wildcard: any subdomain depth, never the apex or a look-alike, default port unless :*
        "https://*.example.com       | https://a.example.com            | true",
        "https://*.example.com       | https://a.b.example.com          | true",
        "https://*.example.com       | https://A.EXAMPLE.com            | true",
        "https://*.example.com       | https://example.com              | false",
        "https://*.example.com       | https://aexample.com             | false",
        "https://*.example.com       | https://.example.com             | false",
        "https://*.example.com       | https://a.example.com:8443       | false",
        "https://*.example.com       | http://a.example.com             | false",
        "https://*.example.com:*     | https://a.example.com:8443       | true",
        // port wildcard: any port, the default one too, same scheme and host only
        "http://localhost:*          | http://localhost:3111            | true",
        "http://localhost:*          | http://localhost                 | true",
        "http://localhost:*          | http://LOCALHOST:1               | true",
        "http://localhost:*          | https://localhost:3111           | false",
        "http://localhost:*          | http://localhost.evil.io:3111    | false",
        "http://127.0.0.1:*          | http://127.0.0.1:65535           | true",
        "http://127.0.0.1:*          | http://127.0.0.2:3111            | false",
        "http://[::1]:*              | http://[::1]:3111                | true",
        "http://[::1]:*              | http://[::2]:3111                | false",
        // malformed origins match no entry
        "http://localhost:*          | null                             | false",
        "http://localhost:*          | garbage                          | false",
        "http://localhost:*          | http://localhost:3111/           | false",
        "http://localhost:*          | http://localhost:3111/path       | false",
        "http://localhost:*          | http://localhost:*               | false",
        "http://localhost:*          | http://localhost:0               | false",
        "http://localhost:*          | http://localhost:65536           | false",
        "http://localhost:*          | http://user@localhost:3111       | false",
        "http://localhost:*          | http://localhost:3111?x          | false",
        "http://localhost:*          | ''                               | false",
        "https://*.example.com       | https://*.example.com            | false",
        // *: anything, malformed included
        "*                           | https://evil.example             | true",
        "*                           | null                             | true",
        "*                           | garbage                          | true",
    })
    void shouldMatchOrigins(String entry, String origin, boolean allowed) {
        assertThat(list(entry).allows(origin)).isEqualTo(allowed);
    }

    @Test
    void shouldAllowWhenAnyEntryMatchesAndNothingWhenEmpty() {
        OriginAllowList l = list("https://a.example.com", "http://localhost:*");
        assertThat(l.allows("http://localhost:3111")).isTrue();
        assertThat(l.allows("https://a.example.com")).isTrue();
        assertThat(l.allows("https://b.example.com")).isFalse();
        assertThat(l.allowsAny()).isFalse();
        assertThat(list("*").allowsAny()).isTrue();
        assertThat(list().allows("http://localhost:3111")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "null", "app.example.com", "https://", "https://app.example.com/",
        "https://app.example.com/path", "https://app.example.com:0", "https://app.example.com:65536",
        "https://app.example.com:80x", "https://app.example.com:", "https://*", "https://*.", "https://a.*.com",
        "https://*example.com", "https://**.example.com", "https://user@app.example.com", "https://[::1",
        "https://[zz]:1", "https://[::1]x", "1http://a.com", "https://a..com", "https://a .com", "**"})
    void shouldRefuseABadEntryNamingTheKeyAndTheEntry(String entry) {
        assertThatThrownBy(() -> list("http://localhost:*", entry)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(KEY + "[1]").hasMessageContaining("'" + entry + "'");
    }

    @Test
    void shouldRefuseANullListOrEntry() {
        assertThatThrownBy(() -> OriginAllowList.parse(null, KEY)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(KEY);
        assertThatThrownBy(() -> OriginAllowList.parse(Arrays.asList("http://localhost:*", null), KEY))
                .isInstanceOf(ConfigException.class).hasMessageContaining(KEY + "[1]");
    }
}
