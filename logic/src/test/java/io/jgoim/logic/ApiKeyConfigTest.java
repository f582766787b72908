package io.jgoim.logic;

import io.jgoim.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** http.apiKeys and http.allowOpen: loaded from a file, validated at load naming the key. */
class ApiKeyConfigTest {
    private static final String HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @TempDir
    Path dir;

    private LogicConfig load(String apiKeys) throws Exception {
        Path file = dir.resolve("logic.yaml");
        Files.writeString(file, "http:\n  apiKeys:\n" + apiKeys);
        return LogicConfig.load(file, Map.of());
    }

    private static String key(String id, String sha256, String scopes, String rate, String burst) {
        return "    - id: " + id + "\n      sha256: \"" + sha256 + "\"\n      scopes: [" + scopes + "]\n"
                + "      ratePerSecond: " + rate + "\n      burst: " + burst + "\n";
    }

    @Test
    void shouldDefaultToNoKeysAndAClosedOpenSwitch() {
        LogicConfig c = LogicConfig.load(null, Map.of());
        assertThat(c.http().apiKeys()).isEmpty();
        assertThat(c.http().allowOpen()).isFalse();
        assertThat(LogicConfig.load(null, Map.of("JGOIM_HTTP_ALLOW_OPEN", "true")).http().allowOpen()).isTrue();
    }

    @Test
    void shouldLoadSeveralKeys() throws Exception {
        String other = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";
        LogicConfig c = load(key("a", HASH, "push, read", "100", "200") + key("b", other.toUpperCase(), "read", "0",
                "0"));
        assertThat(c.http().apiKeys()).extracting(ApiKey::id).containsExactly("a", "b");
        ApiKey a = c.http().apiKeys().get(0);
        assertThat(a.scopes()).isEqualTo(List.of("push", "read"));
        assertThat(a.ratePerSecond()).isEqualTo(100.0);
        assertThat(a.burst()).isEqualTo(200);
        // The effective-config log line names the key, not its hash.
        assertThat(c.toString()).contains("id=a").doesNotContain(HASH);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "a; 9f86d0; push; 0; 0; http.apiKeys[a].sha256",
        "a; " + HASH + "; ; 0; 0; http.apiKeys[a].scopes",
        "a; " + HASH + "; root; 0; 0; http.apiKeys[a].scopes",
        "a; " + HASH + "; push; -1; 1; http.apiKeys[a].ratePerSecond",
        "a; " + HASH + "; push; 10; 0; http.apiKeys[a].burst",
        "'\"\"'; " + HASH + "; push; 0; 0; http.apiKeys[].id"})
    void shouldRefuseABadKeyNamingIt(String id, String sha256, String scopes, String rate, String burst,
                                     String named) {
        assertThatThrownBy(() -> load(key(id, sha256, scopes == null ? "" : scopes, rate, burst)))
                .isInstanceOf(ConfigException.class).hasMessageContaining(named);
    }

    @Test
    void shouldRefuseDuplicateIds() {
        assertThatThrownBy(() -> load(key("a", HASH, "push", "0", "0") + key("a", HASH, "read", "0", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.apiKeys: id values must be unique");
    }

    @Test
    void shouldRefuseTheSameKeyUnderTwoIds() {
        assertThatThrownBy(() -> load(key("a", HASH, "push", "0", "0") + key("b", HASH.toUpperCase(), "read", "0",
                "0"))).isInstanceOf(ConfigException.class).hasMessageContaining("same key");
    }
}
