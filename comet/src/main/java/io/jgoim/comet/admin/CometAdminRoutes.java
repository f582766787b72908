package io.jgoim.comet.admin;

import io.jgoim.comet.limit.IpBans;
import io.jgoim.common.admin.AdminCall;
import io.jgoim.common.admin.AdminRoutes;
import io.jgoim.common.admin.LogLevelAction;
import io.jgoim.common.admin.PageCursor;
import io.jgoim.common.logging.LogLevels;
import io.jgoim.common.metrics.TenantLabels;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.Tenancy;
import io.jgoim.protocol.rpc.CometAdminService;
import io.jgoim.protocol.rpc.comet.DrainReq;
import io.jgoim.protocol.rpc.comet.KickReq;
import io.jgoim.protocol.rpc.comet.MemberSessionsReq;
import io.jgoim.protocol.rpc.comet.PresenceReply;
import io.jgoim.protocol.rpc.comet.PresenceReq;
import io.jgoim.protocol.rpc.comet.SessionInfo;
import io.jgoim.protocol.rpc.comet.WeightReq;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;

/**
 * The comet admin port's routes, each a thin HTTP face of a {@link CometAdminService} call (the same code logic's
 * cluster routes reach over gRPC): {@code POST /admin/weight}, {@code POST /admin/drain}, {@code POST /admin/kick},
 * {@code GET /admin/sessions}, {@code GET /admin/presence}, {@code POST /admin/loglevel}, and the IP bans
 * ({@code GET/DELETE /admin/bans}, {@link BanRoutes}). Stateless once bound.
 */
public final class CometAdminRoutes {
    /** A presence page's size when the caller gives none. */
    public static final int DEFAULT_PAGE = 100;

    private CometAdminRoutes() {
    }

    /** Adds this comet's routes to {@code routes}, with no tenant but the default one. */
    public static AdminRoutes bindTo(AdminRoutes routes, CometAdminService comet, LogLevels levels, IpBans bans) {
        return bindTo(routes, comet, levels, bans, TenantLabels.none());
    }

    /**
     * Adds this comet's routes to {@code routes}. {@code tenants} (this comet's {@code tenants.declared}) are the
     * names the member and room routes take as {@code tenant}; any other is refused with UNKNOWN_TENANT (114).
     */
    public static AdminRoutes bindTo(AdminRoutes routes, CometAdminService comet, LogLevels levels, IpBans bans,
                                     TenantLabels tenants) {
        routes.add(POST, "/admin/weight", "weight", List.of("weight"), call -> {
            call.required("weight");
            int weight = call.integer("weight", 0, CometControl.MAX_WEIGHT, 0);
            return comet.weight(WeightReq.newBuilder().setWeight(weight).build())
                    .thenApply(r -> map("previous", r.getPrevious(), "weight", r.getWeight()));
        });
        routes.add(POST, "/admin/drain", "drain", List.of("seconds"), call -> comet.drain(
                DrainReq.newBuilder().setDrainSeconds(call.integer("seconds", 1, 3600, 0)).build())
                .thenApply(r -> map("sessions", r.getSessions(), "already", r.getAlready(),
                        "drainSeconds", r.getDrainSeconds())));
        routes.add(POST, "/admin/kick", "kick", List.of("key", "mid", "tenant"), call -> {
            String key = call.text("key");
            long mid = call.memberId("mid");
            if ((key == null) == (mid == 0)) {
                throw AdminCall.bad("give exactly one of key, mid");
            }
            String tenant = tenant(call, tenants);
            KickReq.Builder req = KickReq.newBuilder().setReason("admin API, " + call.by());
            if (key != null) {
                req.setKey(Tenancy.namespacedParameter(tenant, key, "key")); // indexed in its tenant's namespace
            } else {
                req.setMid(mid).setTenant(tenant);
            }
            return comet.kick(req.build()).thenApply(r -> withTenant(tenant, map("closed", r.getClosed())));
        });
        routes.add(GET, "/admin/sessions", "sessions", List.of("mid", "tenant"), call -> {
            long mid = call.memberId("mid");
            if (mid == 0) {
                throw AdminCall.bad("mid is required");
            }
            String tenant = tenant(call, tenants);
            return comet.memberSessions(MemberSessionsReq.newBuilder().setMid(mid).setTenant(tenant).build())
                    .thenApply(r -> sessionsJson(r.getSessionsList()));
        });
        routes.add(GET, "/admin/presence", "presence", List.of("room", "tenant", "cursor", "limit"), call -> {
            String room = call.required("room");
            String tenant = tenant(call, tenants);
            PresenceReq req = PresenceReq.newBuilder().setRoomId(Tenancy.namespacedParameter(tenant, room, "room"))
                    .setAfter(PageCursor.decode(call.text("cursor")))
                    .setLimit(call.integer("limit", 1, CometControl.MAX_PAGE, DEFAULT_PAGE)).build();
            return comet.presence(req).thenApply(CometAdminRoutes::presenceJson);
        });
        routes.add(LogLevelAction.route(levels));
        BanRoutes.bindTo(routes, bans);
        return routes;
    }

    /** {@code {"members":[...],"count":n,"online":n,"cursor":"..."|null}}: cursor null on the last page. */
    static Map<String, Object> presenceJson(PresenceReply r) {
        List<SessionInfo> members = r.getMembersList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("members", sessionsJson(members));
        out.put("count", members.size());
        out.put("online", r.getOnline());
        out.put("cursor", r.getMore() && !members.isEmpty()
                ? PageCursor.encode(members.get(members.size() - 1).getKey()) : null);
        return out;
    }

    /**
     * Sessions as JSON objects: key, mid, tenant (a declared tenant's session only), room, transport, remoteAddr,
     * server. A tenant's key and room read as its clients name them, without the namespace.
     */
    public static List<Map<String, Object>> sessionsJson(List<SessionInfo> sessions) {
        List<Map<String, Object>> out = new ArrayList<>(sessions.size());
        for (SessionInfo s : sessions) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", Tenancy.local(s.getKey()));
            m.put("mid", s.getMid());
            String tenant = Tenancy.tenantOf(s.getKey());
            if (!tenant.isEmpty()) {
                m.put("tenant", tenant); // the default tenant's sessions read as before
            }
            m.put("room", Tenancy.local(s.getRoomId()));
            m.put("transport", s.getTransport());
            m.put("remoteAddr", s.getRemoteAddr());
            m.put("server", s.getServer());
            out.add(m);
        }
        return out;
    }

    /**
     * The internal id of the tenant the call's {@code tenant} names: "" when absent, empty or {@code default}, the
     * name when this comet declares it; UNKNOWN_TENANT (114) otherwise, as logic's admin routes answer.
     */
    static String tenant(AdminCall call, TenantLabels tenants) {
        String name = call.text("tenant");
        if (name == null || TenantLabels.DEFAULT.equals(name)) {
            return Tenancy.DEFAULT;
        }
        if (tenants.declared().contains(name)) {
            return name;
        }
        String shown = (name.length() > 40 ? name.substring(0, 40) + "..." : name)
                .replaceAll("[^\\x20-\\x7e]", "?");
        throw new JgoimException(ErrorCode.UNKNOWN_TENANT, "unknown tenant '" + shown
                + "' (this comet's tenants.declared: " + tenants.declared() + ")");
    }

    /** {@code out} with the tenant a member action was for, named for a declared tenant only. */
    static Map<String, Object> withTenant(String tenant, Map<String, Object> out) {
        if (!tenant.isEmpty()) {
            out.put("tenant", tenant);
        }
        return out;
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.put((String) kv[i], kv[i + 1]);
        }
        return out;
    }
}
