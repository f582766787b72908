package io.jgoim.logic.revoke;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The revoked token ids, signing keys and members, each until a time. Implementations: {@link RedisDenyList}
 * (cluster: every logic node sees one list) and {@link InMemoryDenyList} (standalone), held to one contract. The list
 * has a version, an opaque string that changes with every revoke ("" while nothing was ever revoked or after the
 * store lost its data), so comets re-read it only when it changed. Entries lapse at their time; nothing is removed
 * otherwise. Asynchronous and thread-safe; a failed future carries UNAVAILABLE when the store is down.
 */
public interface DenyList {
    /**
     * Adds {@code r} (an entry already there keeps the later of the two times) and changes the version.
     */
    CompletableFuture<Void> revoke(Revocation r);

    /**
     * The entry in force that refuses a token with this {@code jti}, {@code kid} and member of {@code tenant} ("" =
     * the default tenant; empty ids are not looked up), or null when none does.
     */
    CompletableFuture<Revocation> find(String jti, String kid, String tenant, long memberId);

    /** {@link #find(String, String, String, long)} of a default-tenant member. */
    default CompletableFuture<Revocation> find(String jti, String kid, long memberId) {
        return find(jti, kid, io.jgoim.protocol.Tenancy.DEFAULT, memberId);
    }

    /** The list's version now. */
    CompletableFuture<String> version();

    /** The entries in force and the version they belong to. */
    CompletableFuture<Snapshot> snapshot();

    /** The entries in force, at {@code version}. */
    record Snapshot(String version, List<Revocation> entries) {
        public Snapshot {
            entries = List.copyOf(entries);
        }
    }
}
