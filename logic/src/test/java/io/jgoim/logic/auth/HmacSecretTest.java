package io.jgoim.logic.auth;

import io.jgoim.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HmacSecretTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @Test
    void shouldTakeInlineSecretAsWritten() {
        assertThat(HmacSecret.resolve("k", SECRET, Map.of())).isEqualTo(SECRET.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldReadEnvFormInlineOrAsFile(@TempDir Path dir) throws Exception {
        assertThat(HmacSecret.resolve("k", "env:MY_SECRET", Map.of("MY_SECRET", SECRET)))
                .isEqualTo(SECRET.getBytes(StandardCharsets.UTF_8));
        Path file = dir.resolve("secret");
        Files.writeString(file, "  " + SECRET + "\n");
        assertThat(HmacSecret.resolve("k", "env:MY_SECRET", Map.of("MY_SECRET", "file:" + file)))
                .isEqualTo(SECRET.getBytes(StandardCharsets.UTF_8));
        assertThat(HmacSecret.readFile(file, "--secret-file")).isEqualTo(SECRET.getBytes(StandardCharsets.UTF_8));
        assertThat(HmacSecret.expandEnv("env:MY_SECRET", Map.of("MY_SECRET", "x"))).isEqualTo("x");
        assertThat(HmacSecret.expandEnv("file:/a", Map.of())).isEqualTo("file:/a");
    }

    @Test
    void shouldNameTheVariableWhenItIsUnsetOrBlank() {
        for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("MY_SECRET", "  "))) {
            assertThatThrownBy(() -> HmacSecret.resolve("main", "env:MY_SECRET", env))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("auth.jwt.keys[main].secret: set MY_SECRET to a secret of 32+ bytes, "
                            + "or to file:<path> of a file holding one");
        }
    }

    @Test
    void shouldRefuseShortOrUnreadableSecrets(@TempDir Path dir) {
        assertThatThrownBy(() -> HmacSecret.resolve("k", "env:S", Map.of("S", "short")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("(from S) must be at least 32 bytes")
                .hasMessageNotContaining("short");
        assertThatThrownBy(() -> HmacSecret.readFile(dir.resolve("missing"), "--secret-file"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("--secret-file: cannot read");
    }
}
