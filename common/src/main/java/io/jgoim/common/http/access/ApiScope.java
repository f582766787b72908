package io.jgoim.common.http.access;

/**
 * What an API key may call: {@link #PUSH} the {@code /goim/push/*} routes (the pushes, and the ack status of a
 * must-deliver push, which names a member's device keys), {@link #READ} the online-count and node routes, {@link
 * #ADMIN} the admin routes (logic's {@code /goim/admin/*}, the {@code /admin/*} routes of comet's and job's admin
 * ports). Each route declares the one scope it needs. Immutable.
 */
public enum ApiScope {
    PUSH("push"),
    READ("read"),
    ADMIN("admin");

    private final String configName;

    ApiScope(String configName) {
        this.configName = configName;
    }

    /** The name in {@code http.apiKeys[].scopes}. */
    public String configName() {
        return configName;
    }

    /** True when {@code name} names a scope (config validation). */
    public static boolean isName(String name) {
        for (ApiScope s : values()) {
            if (s.configName.equals(name)) {
                return true;
            }
        }
        return false;
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
