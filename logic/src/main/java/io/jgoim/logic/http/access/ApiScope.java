package io.jgoim.logic.http.access;

import io.jgoim.logic.LogicConfig.ApiKey;

/**
 * What an API key may call: {@link #PUSH} the {@code /goim/push/*} routes (the pushes, and the ack status of a
 * must-deliver push, which names a member's device keys), {@link #READ} the online-count and node routes,
 * {@link #ADMIN} the deny list and runtime log levels ({@code /goim/admin/*}). Each route declares the one scope it needs. Immutable.
 */
public enum ApiScope {
    PUSH(ApiKey.PUSH),
    READ(ApiKey.READ),
    ADMIN(ApiKey.ADMIN);

    private final String configName;

    ApiScope(String configName) {
        this.configName = configName;
    }

    /** The name in {@code http.apiKeys[].scopes}. */
    public String configName() {
        return configName;
    }

    /** The scope named {@code name} in config (validated there, so an unknown name is a bug). */
    public static ApiScope of(String name) {
        for (ApiScope s : values()) {
            if (s.configName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no API scope " + name);
    }
}
