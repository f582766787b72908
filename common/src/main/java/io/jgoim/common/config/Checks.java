package io.jgoim.common.config;

import java.time.Duration;

/** Validation for config records' compact constructors; each failure names the key. */
public final class Checks {
    private Checks() {
    }

    public static int positive(int value, String key) {
        if (value <= 0) {
            throw new ConfigException(key + " must be > 0, was " + value);
        }
        return value;
    }

    public static long positive(long value, String key) {
        if (value <= 0) {
            throw new ConfigException(key + " must be > 0, was " + value);
        }
        return value;
    }

    public static int nonNegative(int value, String key) {
        if (value < 0) {
            throw new ConfigException(key + " must be >= 0, was " + value);
        }
        return value;
    }

    public static int port(int value, String key) {
        if (value < 0 || value > 65535) {
            throw new ConfigException(key + " must be a port 0-65535 (0 = any free port), was " + value);
        }
        return value;
    }

    public static int powerOfTwo(int value, String key) {
        if (value <= 0 || (value & (value - 1)) != 0) {
            throw new ConfigException(key + " must be a power of two, was " + value);
        }
        return value;
    }

    public static Duration positive(Duration value, String key) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new ConfigException(key + " must be a positive duration, was " + value);
        }
        return value;
    }

    public static <T> T notNull(T value, String key) {
        if (value == null) {
            throw new ConfigException(key + " is required");
        }
        return value;
    }

    public static String notBlank(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(key + " is required");
        }
        return value;
    }

    public static void check(boolean ok, String message) {
        if (!ok) {
            throw new ConfigException(message);
        }
    }
}
