package io.jgoim.common.config;

/** A configuration that cannot be used; the message names the key. Nothing starts until config loads. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
