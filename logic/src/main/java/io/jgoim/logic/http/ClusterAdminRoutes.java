package io.jgoim.logic.http;

import io.jgoim.common.admin.AdminAudit;
import io.jgoim.common.admin.AdminCall;
import io.jgoim.common.admin.PageCursor;
import io.jgoim.common.http.access.ApiKeyring;
import io.jgoim.common.session.SessionDirectory;
import io.jgoim.logic.admin.CometControls;
import io.jgoim.logic.push.PushService;
import io.jgoim.logic.tenant.Tenants;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.Tenancy;
import io.jgoim.protocol.rpc.comet.DrainReq;
import io.jgoim.protocol.rpc.comet.KickReply;
import io.jgoim.protocol.rpc.comet.KickReq;
import io.jgoim.protocol.rpc.comet.MemberSessionsReq;
import io.jgoim.protocol.rpc.comet.PresenceReply;
import io.jgoim.protocol.rpc.comet.PresenceReq;
import io.jgoim.protocol.rpc.comet.SessionInfo;
import io.jgoim.protocol.rpc.comet.WeightReq;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The cluster admin routes (scope admin, {@code /goim/admin/*}): kick a member or a key wherever it is connected
 * (the session directory says which comets; each is asked over its {@code CometAdmin} service to close with KICKED),
 * list a member's sessions (the directory's routes, with room, transport and address from the comets that answer),
 * page a room's members across every comet (each comet's page merged by key, an opaque cursor, at most
 * {@link #MAX_PAGE}), and set a named comet's weight or start its drain. A member, a key and a room are one
 * tenant's: {@code tenant} names it by revoke's rules (absent, empty or {@code default}: the default tenant; an
 * undeclared name: UNKNOWN_TENANT 114), and answers name a declared tenant and its ids as its clients do. Every action
 * leaves one audit line naming the caller's key id. Thread-safe; called on the listener's event loops, never blocks.
 */
final class ClusterAdminRoutes {
    static final int MAX_PAGE = 1000;
    static final int DEFAULT_PAGE = 100;

    private final SessionDirectory directory;
    private final CometControls comets;
    private final ApiKeyring keyringOrNull;
    private final Tenants tenants;

    ClusterAdminRoutes(SessionDirectory directory, CometControls comets, ApiKeyring keyringOrNull, Tenants tenants) {
        this.directory = directory;
        this.comets = comets;
        this.keyringOrNull = keyringOrNull;
        this.tenants = tenants;
    }

    void bindTo(Map<Route, RouteHandler> table) {
        table.put(Route.ADMIN_KICK, handler("kick", this::kick));
        table.put(Route.ADMIN_SESSIONS, handler("sessions", this::sessions));
        table.put(Route.ADMIN_PRESENCE, handler("presence", this::presence));
        table.put(Route.ADMIN_COMET_WEIGHT, handler("weight", this::weight));
        table.put(Route.ADMIN_COMET_DRAIN, handler("drain", this::drain));
    }

    /** Runs the action; a refusal thrown before it went asynchronous is audited like any other outcome. */
    private RouteHandler handler(String action, Function<AdminCall, CompletableFuture<?>> body) {
        return r -> {
            CompletableFuture<?> result;
            try {
                result = body.apply(call(r));
            } catch (RuntimeException e) {
                result = CompletableFuture.failedFuture(e);
            }
            return audited(r, action, result);
        };
    }

    /** The route's parameters as the shared admin call (its parsing and messages are the admin ports'). */
    private AdminCall call(RouteRequest r) {
        Map<String, List<String>> q = new HashMap<>();
        for (Param p : r.route().params()) {
            String v = r.text(p.name());
            if (v != null) {
                q.put(p.name(), List.of(v));
            }
        }
        return new AdminCall(q, by(r));
    }

    private String by(RouteRequest r) {
        return (keyringOrNull == null ? "the open API" : "API key " + keyringOrNull.match(r.headers()).id())
                + " from " + r.clientIp();
    }

    /**
     * The internal id of the tenant the call's {@code tenant} names ("" when absent, empty or {@code default}), by
     * the rules revoke uses ({@link Tenants#resolve}: UNKNOWN_TENANT 114 for an undeclared name).
     */
    private String tenant(AdminCall call) {
        return tenants.resolve(call.text("tenant"));
    }

    /**
     * A key is one tenant's like a member (the same key string may be connected in several tenants), so a key kick
     * takes {@code tenant} too; the comet gets the key as it indexes it, namespaced.
     */
    private CompletableFuture<?> kick(AdminCall call) {
        String key = call.text("key");
        long mid = call.memberId("mid");
        if ((key == null) == (mid == 0)) {
            throw AdminCall.bad("give exactly one of key, mid");
        }
        String tenant = tenant(call);
        SessionDirectory view = directory.forTenant(tenant);
        String reason = "admin API, " + call.by();
        if (key != null) {
            String indexed = Tenancy.namespacedParameter(tenant, key, "key");
            return view.serversByKeys(List.of(indexed)).thenCompose(servers -> {
                String server = servers.get(indexed);
                if (server == null) {
                    throw new JgoimException(ErrorCode.NOT_FOUND, "no session with key '" + key + "'"
                            + of(tenant));
                }
                KickReq req = KickReq.newBuilder().setKey(indexed).setReason(reason).build();
                return kickOn(tenant, Map.of(server, req));
            });
        }
        return view.keysByMids(List.of(mid)).thenCompose(routes -> {
            if (routes.isEmpty()) {
                throw new JgoimException(ErrorCode.NOT_FOUND, "member " + mid + of(tenant) + " has no session");
            }
            KickReq req = KickReq.newBuilder().setMid(mid).setTenant(tenant).setReason(reason).build();
            Map<String, KickReq> perServer = new TreeMap<>();
            routes.values().forEach(server -> perServer.put(server, req));
            return kickOn(tenant, perServer);
        });
    }

    /** " of tenant acme" for a declared tenant, nothing for the default one (its messages read as before). */
    private static String of(String tenant) {
        return tenant.isEmpty() ? "" : " of tenant " + tenant;
    }

    /**
     * Asks each comet to kick; answers the total closed and, per comet, its count or why it did not answer, and the
     * tenant when it is a declared one.
     */
    private CompletableFuture<Map<String, Object>> kickOn(String tenant, Map<String, KickReq> perServer) {
        Map<String, CompletableFuture<KickReply>> calls = new TreeMap<>();
        perServer.forEach((server, req) -> calls.put(server, comets.comet(server).thenCompose(c -> c.kick(req))));
        return CometAnswers.settle(calls).thenApply(results -> {
            int closed = 0;
            Map<String, Object> byComet = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : results.entrySet()) {
                if (e.getValue() instanceof KickReply k) {
                    closed += k.getClosed();
                    byComet.put(e.getKey(), k.getClosed());
                } else {
                    byComet.put(e.getKey(), e.getValue());
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            if (!tenant.isEmpty()) {
                out.put("tenant", tenant); // the default tenant's answers read as before
            }
            out.put("closed", closed);
            out.put("comets", byComet);
            return out;
        });
    }

    private CompletableFuture<?> sessions(AdminCall call) {
        long mid = call.memberId("mid");
        if (mid == 0) {
            throw AdminCall.bad("mid is required");
        }
        String tenant = tenant(call);
        MemberSessionsReq req = MemberSessionsReq.newBuilder().setMid(mid).setTenant(tenant).build();
        return directory.forTenant(tenant).keysByMids(List.of(mid)).thenCompose(routes -> {
            Map<String, CompletableFuture<?>> calls = new TreeMap<>();
            for (String server : new TreeSet<>(routes.values())) {
                calls.put(server, comets.comet(server).thenCompose(c -> c.memberSessions(req)));
            }
            return CometAnswers.settle(calls).thenApply(results -> {
                Map<String, SessionInfo> seen = new HashMap<>();
                results.values().forEach(v -> {
                    if (v instanceof io.jgoim.protocol.rpc.comet.MemberSessionsReply m) {
                        m.getSessionsList().forEach(s -> seen.put(s.getKey(), s));
                    }
                });
                List<Map<String, Object>> sessions = new ArrayList<>();
                new TreeMap<>(routes).forEach((key, server) -> {
                    Map<String, Object> s = new LinkedHashMap<>();
                    SessionInfo info = seen.get(key);
                    s.put("key", Tenancy.local(key)); // as the tenant's clients name it
                    s.put("server", server);
                    // null: the comet did not answer (or no longer holds the key the directory still routes)
                    s.put("room", info == null ? null : Tenancy.local(info.getRoomId()));
                    s.put("transport", info == null ? null : info.getTransport());
                    s.put("remoteAddr", info == null ? null : info.getRemoteAddr());
                    sessions.add(s);
                });
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("mid", mid);
                if (!tenant.isEmpty()) {
                    out.put("tenant", tenant); // the default tenant's answers read as before
                }
                out.put("count", sessions.size());
                out.put("sessions", sessions);
                out.put("unavailable", CometAnswers.failures(results));
                return out;
            });
        });
    }

    /**
     * Every comet answers the members after the cursor's key, at most {@code limit}; the merge keeps the first
     * {@code limit} keys (a key on two comets during a reconnect is listed once). More follow when any comet had
     * more or the merge cut some.
     */
    private CompletableFuture<?> presence(AdminCall call) {
        String roomId = PushService.roomId(call.text("type"), call.text("room"));
        String tenant = tenant(call);
        String after = PageCursor.decode(call.text("cursor"));
        int limit = call.integer("limit", 1, MAX_PAGE, DEFAULT_PAGE);
        PresenceReq req = PresenceReq.newBuilder().setRoomId(Tenancy.namespacedParameter(tenant, roomId, "room"))
                .setAfter(after).setLimit(limit).build();
        return comets.all().thenCompose(all -> {
            Map<String, CompletableFuture<?>> calls = new TreeMap<>();
            all.forEach((id, c) -> calls.put(id, c.presence(req)));
            return CometAnswers.settle(calls).thenApply(results -> {
                TreeMap<String, SessionInfo> merged = new TreeMap<>();
                boolean more = false;
                int online = 0;
                for (Object v : results.values()) {
                    if (v instanceof PresenceReply p) {
                        more |= p.getMore();
                        online += p.getOnline();
                        p.getMembersList().forEach(s -> merged.putIfAbsent(s.getKey(), s));
                    }
                }
                List<Map<String, Object>> members = new ArrayList<>();
                String last = null;
                for (SessionInfo s : merged.values()) {
                    if (members.size() == limit) {
                        more = true;
                        break;
                    }
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("key", Tenancy.local(s.getKey()));
                    m.put("mid", s.getMid());
                    m.put("server", s.getServer());
                    m.put("transport", s.getTransport());
                    members.add(m);
                    last = s.getKey();
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("room", roomId);
                if (!tenant.isEmpty()) {
                    out.put("tenant", tenant); // the default tenant's answers read as before
                }
                out.put("count", members.size());
                out.put("online", online);
                out.put("members", members);
                out.put("cursor", more && last != null ? PageCursor.encode(last) : null);
                out.put("unavailable", CometAnswers.failures(results));
                return out;
            });
        });
    }

    private CompletableFuture<?> weight(AdminCall call) {
        String server = call.required("server");
        call.required("weight");
        int weight = call.integer("weight", 0, 10_000, 0);
        return comets.comet(server).thenCompose(c -> c.weight(WeightReq.newBuilder().setWeight(weight).build()))
                .thenApply(r -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("server", server);
                    out.put("previous", r.getPrevious());
                    out.put("weight", r.getWeight());
                    return out;
                });
    }

    private CompletableFuture<?> drain(AdminCall call) {
        String server = call.required("server");
        int seconds = call.integer("seconds", 1, 3600, 0);
        return comets.comet(server).thenCompose(c -> c.drain(DrainReq.newBuilder().setDrainSeconds(seconds).build()))
                .thenApply(r -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("server", server);
                    out.put("sessions", r.getSessions());
                    out.put("already", r.getAlready());
                    out.put("drainSeconds", r.getDrainSeconds());
                    return out;
                });
    }

    /** One audit line per action with its outcome; the caller's key id, never the key. */
    private CompletableFuture<?> audited(RouteRequest r, String action, CompletableFuture<?> result) {
        String by = by(r);
        List<String> names = new ArrayList<>();
        r.route().params().forEach(p -> names.add(p.name()));
        names.remove("cursor"); // opaque and long: the page is named by room and limit
        String target = AdminAudit.target(names, r::text);
        return result.whenComplete((data, error) -> AdminAudit.record(action, target, by, data, error));
    }
}
