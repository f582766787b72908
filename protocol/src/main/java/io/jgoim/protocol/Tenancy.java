package io.jgoim.protocol;

/**
 * How a tenant's sessions are kept apart from every other tenant's: by namespacing the identifiers everything is
 * routed by. A session key and a room id of a non-default tenant are stored, routed, counted and indexed as
 * {@code <tenant><US><id>} (US = U+001F, the ASCII unit separator); the default tenant ({@code ""}) keeps its ids
 * as they are, byte for byte. Because the namespaced id is the only id the directory, Kafka, the job and the comets
 * ever see, a push can reach only sessions of its own tenant on every path that routes by key or room (mids resolve
 * to keys in the tenant's own directory view); broadcasts, the one path that routes by no id, carry the tenant and
 * the comet compares it with the session's ({@link #tenantOf}). No client-supplied key or room may contain US
 * (logic refuses it at connect and at the push API), so a default-tenant id can never pose as a namespaced one.
 * Stateless.
 */
public final class Tenancy {
    /** The separator between a tenant and an id: ASCII unit separator, never part of a valid client id. */
    public static final char SEPARATOR = '\u001f';
    /** The default tenant: today's un-prefixed ids. */
    public static final String DEFAULT = "";

    private Tenancy() {
    }

    /** {@code id} in {@code tenant}'s namespace ({@code id} itself for the default tenant). */
    public static String namespaced(String tenant, String id) {
        return tenant.isEmpty() ? id : tenant + SEPARATOR + id;
    }

    /** The tenant a namespaced id belongs to ({@link #DEFAULT} for an id without the separator). */
    public static String tenantOf(String id) {
        int i = id.indexOf(SEPARATOR);
        return i <= 0 ? DEFAULT : id.substring(0, i);
    }

    /** The id without its tenant's namespace (the id itself for the default tenant). */
    public static String local(String id) {
        int i = id.indexOf(SEPARATOR);
        return i < 0 ? id : id.substring(i + 1);
    }

    /**
     * {@code id}, a key or room id parameter {@code name} as {@code tenant}'s clients name it, in the tenant's
     * namespace (the admin routes' {@code tenant=}).
     *
     * @throws JgoimException BAD_PARAMETER when {@code id} holds the separator (a tenant is named by tenant=)
     */
    public static String namespacedParameter(String tenant, String id, String name) {
        if (forged(id)) {
            throw new JgoimException(ErrorCode.BAD_PARAMETER, name
                    + " must not contain the tenant separator (U+001F): name the tenant with tenant=");
        }
        return namespaced(tenant, id);
    }

    /** True when a client-supplied id holds the separator (refused: it could pose as another tenant's id). */
    public static boolean forged(String id) {
        return id.indexOf(SEPARATOR) >= 0;
    }
}
