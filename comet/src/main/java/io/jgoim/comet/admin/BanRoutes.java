package io.jgoim.comet.admin;

import io.jgoim.comet.limit.Ban;
import io.jgoim.comet.limit.IpBans;
import io.jgoim.common.admin.AdminCall;
import io.jgoim.common.admin.AdminRoutes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;

/**
 * The comet's IP bans on its admin port: {@code GET /admin/bans} lists the addresses banned now (ip, reason, until,
 * failures counted, connects refused since), {@code DELETE /admin/bans?ip=...} lifts one (an IPv6 address lifts its
 * /64) and forgets its failures. Bans are per comet (each bans on what it sees), so an operator lifts an address on
 * every comet that lists it. Both audited like the other admin routes. Stateless once bound.
 */
final class BanRoutes {
    private BanRoutes() {
    }

    static void bindTo(AdminRoutes routes, IpBans bans) {
        routes.add(GET, "/admin/bans", "bans", List.of(), call -> CompletableFuture.completedFuture(list(bans)));
        routes.add(DELETE, "/admin/bans", "unban", List.of("ip"), call -> {
            String ip = call.required("ip");
            boolean lifted;
            try {
                lifted = bans.lift(ip);
            } catch (IllegalArgumentException e) {
                throw AdminCall.bad("ip is not an IP address: " + ip);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ip", ip);
            out.put("lifted", lifted);
            return CompletableFuture.completedFuture(out);
        });
    }

    private static Map<String, Object> list(IpBans bans) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Ban b : bans.list()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ip", b.ip());
            m.put("reason", b.reason().name().toLowerCase(java.util.Locale.ROOT));
            m.put("until", b.until().toString());
            m.put("count", b.count());
            m.put("refused", b.refused());
            out.add(m);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("bans", out);
        data.put("count", out.size());
        return data;
    }
}
