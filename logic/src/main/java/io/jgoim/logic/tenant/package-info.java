/**
 * Tenants: which ones this cluster declares, the one check every tenant id from any source passes through
 * ({@link io.jgoim.logic.tenant.Tenants#resolve}), who may push for which, and the tenant-labelled meters.
 */
package io.jgoim.logic.tenant;
