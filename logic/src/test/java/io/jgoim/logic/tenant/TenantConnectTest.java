package io.jgoim.logic.tenant;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.google.protobuf.ByteString;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.common.session.SessionDirectory;
import io.jgoim.logic.LogicConfig;
import io.jgoim.logic.JwtConfig;
import io.jgoim.logic.JwtKey;
import io.jgoim.logic.TenantsConfig;
import io.jgoim.logic.auth.Authenticator;
import io.jgoim.logic.auth.GoimTokenAuthenticator;
import io.jgoim.logic.auth.JwtAuthenticator;
import io.jgoim.logic.history.StreamHistory;
import io.jgoim.logic.node.NodeBalancer;
import io.jgoim.logic.online.OnlineAggregator;
import io.jgoim.logic.push.InMemoryPushPublisher;
import io.jgoim.logic.revoke.InMemoryDenyList;
import io.jgoim.logic.service.LocalLogicService;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.rpc.logic.ConnectReply;
import io.jgoim.protocol.rpc.logic.ConnectReq;
import io.jgoim.protocol.rpc.logic.DisconnectReq;
import io.jgoim.protocol.rpc.logic.HeartbeatReq;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A session's tenant at Connect: the token's tenant claim (goim JSON or JWT, {@code tenants.claim}) is checked by
 * {@link Tenants#resolve} — undeclared: refused with UNKNOWN_TENANT (114), counted — and a declared tenant's session
 * gets its key and room namespaced and its member route in the tenant's own directory view (member 5 of one tenant is
 * never member 5 of another); a token without the claim is the default tenant's, exactly as before.
 */
class TenantConnectTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private final LogicConfig config = LogicConfig.load(null, Map.of());
    private final InMemorySessionDirectory directory = new InMemorySessionDirectory(Duration.ofMinutes(1));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Tenants tenants = new Tenants(new TenantsConfig("tnt", List.of("loadtest", "staging")), registry);

    private final InMemoryDenyList denyList = new InMemoryDenyList(Clock.systemUTC());

    private LocalLogicService service(Authenticator auth) {
        return new LocalLogicService(config, auth, directory, io.jgoim.logic.upstream.UpstreamRouter.of(
                config.upstream(), new InMemoryPushPublisher(), io.jgoim.logic.upstream.CommentSink.NONE, registry),
                null, new OnlineAggregator(directory, Duration.ofMinutes(1), registry),
                new NodeBalancer(config.nodes(), new InMemoryNodeRegistry(), Clock.systemUTC()), StreamHistory.none(),
                denyList, tenants, registry);
    }

    @Test
    void shouldRefuseARevokedMemberInItsOwnTenantOnly() {
        LocalLogicService s = service(new GoimTokenAuthenticator(null, "tnt"));
        denyList.revoke(io.jgoim.logic.revoke.Revocation.member("loadtest", 7,
                System.currentTimeMillis() + 60_000)).join();
        ConnectReply load = connect(s, "{\"mid\":7,\"key\":\"k\",\"room_id\":\"\",\"tnt\":\"loadtest\"}");
        assertThat(load.getErrorCode()).isEqualTo(ErrorCode.TOKEN_REVOKED.code());
        assertThat(load.getErrorMessage()).contains("mid 7").doesNotContain("\u001f");
        assertThat(connect(s, "{\"mid\":7,\"key\":\"k\",\"room_id\":\"\"}").getErrorCode())
                .as("the default tenant's member 7").isZero();
        assertThat(connect(s, "{\"mid\":7,\"key\":\"k\",\"room_id\":\"\",\"tnt\":\"staging\"}").getErrorCode())
                .as("staging's member 7").isZero();
        // A default-tenant member revocation stays in the default tenant.
        denyList.revoke(io.jgoim.logic.revoke.Revocation.member("", 8, System.currentTimeMillis() + 60_000)).join();
        assertThat(connect(s, "{\"mid\":8,\"key\":\"k8\",\"room_id\":\"\"}").getErrorCode())
                .isEqualTo(ErrorCode.TOKEN_REVOKED.code());
        assertThat(connect(s, "{\"mid\":8,\"key\":\"k8\",\"room_id\":\"\",\"tnt\":\"loadtest\"}")
                .getErrorCode()).isZero();
    }

    private static ConnectReply connect(LocalLogicService s, String token) {
        return s.connect(ConnectReq.newBuilder().setServer("comet-1")
                .setToken(ByteString.copyFrom(token, StandardCharsets.UTF_8)).build()).join();
    }

    @Test
    void shouldResolveOnlyDeclaredTenants() {
        assertThat(tenants.resolve(null)).isEmpty();
        assertThat(tenants.resolve("")).isEmpty();
        assertThat(tenants.resolve("default")).isEmpty();
        assertThat(tenants.resolve("loadtest")).isEqualTo("loadtest");
        for (String bad : new String[] {"nope", "LOADTEST", "loadtest ", "load\u001ftest"}) {
            assertThatThrownBy(() -> tenants.resolve(bad)).isInstanceOf(JgoimException.class)
                    .extracting(e -> ((JgoimException) e).code()).isEqualTo(ErrorCode.UNKNOWN_TENANT);
        }
        assertThat(registry.get("jgoim.logic.tenant.unknown").counter().count()).isEqualTo(4.0);
        // The push API: the header, else the key's first tenant; a tenant outside the key's list is forbidden.
        assertThat(tenants.forPush(null, null)).isEmpty();
        assertThat(tenants.forPush("loadtest", null)).isEqualTo("loadtest");
        assertThat(tenants.forPush(null, List.of("loadtest", "default"))).isEqualTo("loadtest");
        assertThat(tenants.forPush("default", List.of("loadtest", "default"))).isEmpty();
        assertThatThrownBy(() -> tenants.forPush("staging", List.of("loadtest")))
                .extracting(e -> ((JgoimException) e).code()).isEqualTo(ErrorCode.TENANT_FORBIDDEN);
        assertThatThrownBy(() -> tenants.forPush("nope", List.of("loadtest")))
                .extracting(e -> ((JgoimException) e).code()).isEqualTo(ErrorCode.UNKNOWN_TENANT);
    }

    @Test
    void shouldNamespaceADeclaredTenantsSessionAndKeepTheDefaultTenantsAsBefore() {
        LocalLogicService s = service(new GoimTokenAuthenticator(null, "tnt"));
        ConnectReply plain = connect(s, "{\"mid\":5,\"key\":\"k\",\"room_id\":\"live://1\"}");
        ConnectReply load = connect(s, "{\"mid\":5,\"key\":\"k\",\"room_id\":\"live://1\",\"tnt\":\"loadtest\"}");
        assertThat(plain.getErrorCode()).isZero();
        assertThat(plain.getKey()).isEqualTo("k");
        assertThat(plain.getRoomId()).isEqualTo("live://1");
        assertThat(plain.getTenant()).isEmpty();
        assertThat(load.getErrorCode()).isZero();
        assertThat(load.getKey()).isEqualTo("loadtest\u001fk");
        assertThat(load.getRoomId()).isEqualTo("loadtest\u001flive://1");
        assertThat(load.getTenant()).isEqualTo("loadtest");
        assertThat(load.getMid()).isEqualTo(5);
        // Member 5 is two members: each tenant's view holds only its own session.
        assertThat(directory.keysByMids(List.of(5L)).join()).containsOnlyKeys("k");
        SessionDirectory view = directory.forTenant("loadtest");
        assertThat(view.keysByMids(List.of(5L)).join()).containsOnlyKeys("loadtest\u001fk");
        assertThat(directory.forTenant("staging").keysByMids(List.of(5L)).join()).isEmpty();
        // Heartbeat and disconnect find the session's tenant by its key.
        s.heartbeat(HeartbeatReq.newBuilder().setMid(5).setKey("loadtest\u001fk").setServer("comet-1").build())
                .join();
        assertThat(s.disconnect(DisconnectReq.newBuilder().setMid(5).setKey("loadtest\u001fk").setServer("comet-1")
                .build()).join().getHas()).isTrue();
        assertThat(view.keysByMids(List.of(5L)).join()).isEmpty();
        assertThat(directory.keysByMids(List.of(5L)).join()).containsOnlyKeys("k");
        assertThat(registry.get("jgoim.logic.tenant.sessions.connected").tag("tenant", "loadtest").counter()
                .count()).isEqualTo(1.0);
        assertThat(registry.get("jgoim.logic.tenant.sessions.connected").tag("tenant", "default").counter()
                .count()).isEqualTo(1.0);
    }

    @Test
    void shouldRefuseAnUnknownTenantsTokenAndAForgedId() {
        LocalLogicService s = service(new GoimTokenAuthenticator(null, "tnt"));
        ConnectReply r = connect(s, "{\"mid\":5,\"key\":\"k\",\"tnt\":\"nope\"}");
        assertThat(r.getErrorCode()).isEqualTo(ErrorCode.UNKNOWN_TENANT.code());
        assertThat(r.getErrorMessage()).contains("nope");
        assertThat(registry.get("jgoim.logic.auth.refused").tag("code", "UNKNOWN_TENANT").counter().count())
                .isEqualTo(1.0);
        // A default-tenant key or room holding the separator would sit in another tenant's namespace.
        ConnectReply forged = connect(s, "{\"mid\":5,\"key\":\"loadtest\\u001fk\"}");
        assertThat(forged.getErrorCode()).isEqualTo(ErrorCode.TOKEN_MALFORMED.code());
        ConnectReply forgedRoom = connect(s, "{\"mid\":5,\"room_id\":\"loadtest\\u001flive://1\"}");
        assertThat(forgedRoom.getErrorCode()).isEqualTo(ErrorCode.TOKEN_MALFORMED.code());
        assertThat(directory.keysByMids(List.of(5L)).join()).isEmpty();
    }

    @Test
    void shouldReadTheTenantClaimOfAJwt() {
        LocalLogicService s = service(new JwtAuthenticator(new JwtConfig(Duration.ofSeconds(5), "", "", false,
                List.of(new JwtKey("k1", "HS256", SECRET, null))), "tnt"));
        String load = JWT.create().withKeyId("k1").withClaim("mid", 7L).withClaim("key", "d")
                .withClaim("tnt", "loadtest").sign(Algorithm.HMAC256(SECRET));
        String unknown = JWT.create().withKeyId("k1").withClaim("mid", 7L).withClaim("tnt", "nope")
                .sign(Algorithm.HMAC256(SECRET));
        String notString = JWT.create().withKeyId("k1").withClaim("mid", 7L).withClaim("tnt", 3)
                .sign(Algorithm.HMAC256(SECRET));
        String none = JWT.create().withKeyId("k1").withClaim("mid", 7L).withClaim("key", "d")
                .sign(Algorithm.HMAC256(SECRET));
        assertThat(connect(s, load).getKey()).isEqualTo("loadtest\u001fd");
        assertThat(connect(s, unknown).getErrorCode()).isEqualTo(ErrorCode.UNKNOWN_TENANT.code());
        assertThat(connect(s, notString).getErrorCode()).isEqualTo(ErrorCode.TOKEN_MALFORMED.code());
        ConnectReply plain = connect(s, none);
        assertThat(plain.getKey()).isEqualTo("d");
        assertThat(plain.getTenant()).isEmpty();
    }

    @Test
    void shouldRefuseAConfigWhoseKeyNamesAnUndeclaredTenant() {
        assertThatThrownBy(() -> new TenantsConfig("tenant", List.of("default")))
                .hasMessageContaining("tenants.declared");
        assertThatThrownBy(() -> new TenantsConfig("tenant", List.of("Load Test")))
                .hasMessageContaining("tenants.declared");
        assertThatThrownBy(() -> new TenantsConfig("tenant", List.of("a", "a")))
                .hasMessageContaining("unique");
    }
}
