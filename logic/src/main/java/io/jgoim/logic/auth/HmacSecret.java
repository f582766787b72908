package io.jgoim.logic.auth;

import io.jgoim.common.config.ConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where an HS256 secret comes from: inline, {@code file:<path>} or {@code env:NAME} (whose value is itself inline or
 * {@code file:<path>}). The secret is the text's UTF-8 bytes (a file's with surrounding whitespace dropped, so one
 * written by {@code head -c 32 /dev/urandom | base64 > secret} works as is), at least {@value #MIN_BYTES} bytes.
 * Logic's config loader, {@link JwtAuthenticator} and the {@code jgoim token} command read secrets only through
 * here, so a token minted from a file verifies against a key read from the same file. Stateless; every failure is a
 * one-line {@link ConfigException} naming what to set.
 */
public final class HmacSecret {
    public static final String ENV = "env:";
    public static final String FILE = "file:";
    public static final int MIN_BYTES = 32;

    private HmacSecret() {
    }

    /**
     * Resolves key {@code kid}'s configured {@code secret} to its bytes.
     *
     * @param env the environment {@code env:NAME} is read from
     * @throws ConfigException when the variable is unset, the file unreadable or the secret too short
     */
    public static byte[] resolve(String kid, String secret, Map<String, String> env) {
        String what = "auth.jwt.keys[" + kid + "].secret";
        if (secret != null && secret.startsWith(ENV)) {
            String name = secret.substring(ENV.length());
            String value = env.get(name);
            if (value == null || value.isBlank()) {
                throw new ConfigException(what + ": set " + name + " to a secret of " + MIN_BYTES
                        + "+ bytes, or to file:<path> of a file holding one");
            }
            return read(value, what + " (from " + name + ")");
        }
        return read(secret, what);
    }

    /** The value of {@code env:NAME} itself (inline or {@code file:<path>}), or {@code secret} when not an env form. */
    public static String expandEnv(String secret, Map<String, String> env) {
        return secret != null && secret.startsWith(ENV) ? env.get(secret.substring(ENV.length())) : secret;
    }

    /** Reads a secret file; {@code what} names its source in errors (e.g. "--secret-file"). */
    public static byte[] readFile(Path file, String what) {
        return read(FILE + file, what);
    }

    private static byte[] read(String secret, String what) {
        String s = secret == null ? "" : secret;
        if (s.startsWith(FILE)) {
            String path = s.substring(FILE.length());
            try {
                // Files end with a newline (echo, base64); inline values are taken exactly as written.
                s = Files.readString(Path.of(path)).strip();
            } catch (IOException | RuntimeException e) {
                throw new ConfigException(what + ": cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_BYTES) {
            throw new ConfigException(what + " must be at least " + MIN_BYTES + " bytes for HS256, has "
                    + bytes.length + " (make one: head -c 32 /dev/urandom | base64)");
        }
        return bytes;
    }
}
