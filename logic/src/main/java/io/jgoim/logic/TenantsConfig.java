package io.jgoim.logic;

import io.jgoim.common.config.Checks;

import java.util.List;

/**
 * The tenants this cluster serves besides the default one (docs/operations.md, Tenants). {@code declared}: tenant
 * names ({@code [a-z0-9-]{1,32}}, never {@value #DEFAULT}); an empty list is a single-tenant cluster, as before.
 * {@code claim}: the JWT claim naming a session's tenant (absent = the default tenant). The push API names the
 * tenant in the {@value #HEADER} header or takes its API key's first tenant ({@code http.apiKeys[].tenants}).
 */
public record TenantsConfig(String claim, List<String> declared) {
    /** The name of the default tenant (un-prefixed keys and rooms) in config, headers, claims and metrics. */
    public static final String DEFAULT = "default";
    /** The push API's header naming the tenant a push is for. */
    public static final String HEADER = "X-Jgoim-Tenant";

    public TenantsConfig {
        Checks.notBlank(claim, "tenants.claim");
        declared = declared == null ? List.of() : List.copyOf(declared);
        for (String t : declared) {
            Checks.check(t != null && t.matches("[a-z0-9-]{1,32}") && !DEFAULT.equals(t),
                    "tenants.declared: '" + t + "' must match [a-z0-9-]{1,32} and not be " + DEFAULT);
        }
        Checks.check(declared.stream().distinct().count() == declared.size(),
                "tenants.declared: names must be unique");
    }
}
