package io.jgoim.logic.tenant;

import io.jgoim.logic.TenantsConfig;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.Tenancy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The declared tenants ({@code tenants.declared}) and the ONE place a tenant id from any source — a JWT claim, the
 * push API's {@code X-Jgoim-Tenant} header, an API key's binding, the connect proxy — is checked:
 * {@link #resolve(String)}. It answers the internal tenant id ({@code ""} for the default tenant, else the declared
 * name) or refuses with UNKNOWN_TENANT (114), so nothing downstream ever holds an undeclared tenant and every
 * tenant-labelled meter has a bounded set of label values (the declared names and {@code default}).
 *
 * <p>The push API's tenant travels to the route handlers as the current OpenTelemetry {@link Context} value (as the
 * trace context does, {@link #open}), read back with {@link #current()}. Immutable apart from its counters;
 * thread-safe.
 */
public final class Tenants {
    private static final ContextKey<String> KEY = ContextKey.named("jgoim-tenant");

    private final List<String> declared;
    private final Map<String, Counter> connects = new HashMap<>();
    private final Map<String, Counter> pushes = new HashMap<>();
    private final Counter unknown;

    public Tenants(TenantsConfig config, MeterRegistry registry) {
        this.declared = config.declared();
        for (String t : names()) {
            String internal = TenantsConfig.DEFAULT.equals(t) ? Tenancy.DEFAULT : t;
            connects.put(internal, Counter.builder("jgoim.logic.tenant.sessions.connected")
                    .description("sessions authenticated and routed, by tenant").tag("tenant", t).register(registry));
            pushes.put(internal, Counter.builder("jgoim.logic.tenant.pushes")
                    .description("push API calls accepted, by tenant").tag("tenant", t).register(registry));
        }
        this.unknown = Counter.builder("jgoim.logic.tenant.unknown")
                .description("sessions and pushes refused for naming an undeclared tenant (code 114)")
                .register(registry);
    }

    /** No tenant but the default one (tests, tools). */
    public static Tenants single(MeterRegistry registry) {
        return new Tenants(new TenantsConfig("tenant", List.of()), registry);
    }

    /** True when {@code tenant} (an internal id) is a declared tenant (never for the default tenant, ""). */
    public boolean isDeclared(String tenant) {
        return !tenant.isEmpty() && declared.contains(tenant);
    }

    /** True when any tenant besides the default one is declared. */
    public boolean any() {
        return !declared.isEmpty();
    }

    /** The declared names and {@code default}: every value a {@code tenant} label can take. */
    public List<String> names() {
        List<String> out = new java.util.ArrayList<>(declared.size() + 1);
        out.add(TenantsConfig.DEFAULT);
        out.addAll(declared);
        return out;
    }

    /**
     * The internal id of the tenant {@code name} names: {@code ""} for null, empty or {@code default}, the name for a
     * declared tenant. Every tenant id from outside (token claim, header, API key, connect proxy) passes here.
     *
     * @throws JgoimException UNKNOWN_TENANT (114) for any other name
     */
    public String resolve(String name) {
        if (name == null || name.isEmpty() || TenantsConfig.DEFAULT.equals(name)) {
            return Tenancy.DEFAULT;
        }
        if (declared.contains(name)) {
            return name;
        }
        unknown.increment();
        throw new JgoimException(ErrorCode.UNKNOWN_TENANT, "unknown tenant '" + printable(name)
                + "' (declared: " + names() + ")");
    }

    /**
     * The tenant a push API request is for: its {@code header} value if any, else the API key's first tenant
     * ({@code keyTenants}; null = no API keys configured: the default tenant).
     *
     * @throws JgoimException UNKNOWN_TENANT for an undeclared tenant; TENANT_FORBIDDEN (115) when the key may not
     *                        push for it
     */
    public String forPush(String header, List<String> keyTenants) {
        String name = header == null || header.isEmpty()
                ? (keyTenants == null ? TenantsConfig.DEFAULT : keyTenants.get(0)) : header.trim();
        String tenant = resolve(name);
        if (keyTenants != null && !keyTenants.contains(label(tenant))) {
            throw new JgoimException(ErrorCode.TENANT_FORBIDDEN, "this API key may not push for tenant '"
                    + label(tenant) + "' (http.apiKeys[].tenants: " + keyTenants + ")");
        }
        return tenant;
    }

    /** The label of an internal tenant id ({@code default} for {@code ""}). */
    public static String label(String tenant) {
        return tenant.isEmpty() ? TenantsConfig.DEFAULT : tenant;
    }

    /** Counts a routed session of a resolved tenant. */
    public void connected(String tenant) {
        connects.get(tenant).increment();
    }

    /** Counts an accepted push of a resolved tenant. */
    public void pushed(String tenant) {
        pushes.get(tenant).increment();
    }

    /**
     * {@code context} with {@code tenant} as its tenant; {@code context} itself for the default tenant {@code ""}
     * (which {@link #current()} answers when none is set). For a caller that makes one context current for several
     * values at once (the traced push: its span and its tenant).
     */
    public static Context with(Context context, String tenant) {
        return tenant.isEmpty() ? context : context.with(KEY, tenant);
    }

    /** Makes {@code tenant} the current tenant of this thread's context until the scope closes. */
    public static Scope open(String tenant) {
        return Context.current().with(KEY, tenant).makeCurrent();
    }

    /** The current context's tenant, {@code ""} (the default tenant) when none was opened. */
    public static String current() {
        String t = Context.current().get(KEY);
        return t == null ? Tenancy.DEFAULT : t;
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
