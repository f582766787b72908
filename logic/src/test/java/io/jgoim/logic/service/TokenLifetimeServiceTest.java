package io.jgoim.logic.service;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.google.protobuf.ByteString;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.logic.LogicConfig;
import io.jgoim.logic.JwtConfig;
import io.jgoim.logic.JwtKey;
import io.jgoim.logic.auth.JwtAuthenticator;
import io.jgoim.logic.history.StreamHistory;
import io.jgoim.logic.node.NodeBalancer;
import io.jgoim.logic.online.OnlineAggregator;
import io.jgoim.logic.push.InMemoryPushPublisher;
import io.jgoim.logic.revoke.InMemoryDenyList;
import io.jgoim.logic.revoke.Revocation;
import io.jgoim.logic.revoke.Revocation.Kind;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.rpc.logic.ConnectReply;
import io.jgoim.protocol.rpc.logic.ConnectReq;
import io.jgoim.protocol.rpc.logic.OnlineReply;
import io.jgoim.protocol.rpc.logic.OnlineReq;
import io.jgoim.protocol.rpc.logic.RefreshReply;
import io.jgoim.protocol.rpc.logic.RefreshReq;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Logic's side of token lifetime: Connect tells the comet when the token expires (exp + leeway) and its ids, refuses
 * a revoked token (TOKEN_REVOKED); Refresh accepts only the session member's valid, unrevoked token; RenewOnline
 * carries the deny list to a comet whose copy is out of date, and only then.
 */
class TokenLifetimeServiceTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private final LogicConfig config = LogicConfig.load(null, Map.of());
    private final InMemorySessionDirectory directory = new InMemorySessionDirectory(Duration.ofMinutes(1));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InMemoryDenyList denyList = new InMemoryDenyList(Clock.systemUTC());
    private final LocalLogicService service = new LocalLogicService(config,
            new JwtAuthenticator(new JwtConfig(Duration.ofSeconds(5), "", "", true, List.of(
                    new JwtKey("k1", "HS256", SECRET, null)))),
            directory, new InMemoryPushPublisher(), new OnlineAggregator(directory, Duration.ofMinutes(1), registry),
            new NodeBalancer(config.nodes(), new InMemoryNodeRegistry(), Clock.systemUTC()), StreamHistory.none(),
            denyList, registry);

    private static ByteString token(long mid, String jti, Instant exp) {
        return ByteString.copyFrom(JWT.create().withKeyId("k1").withClaim("mid", mid).withJWTId(jti)
                .withExpiresAt(exp).sign(Algorithm.HMAC256(SECRET)), StandardCharsets.US_ASCII);
    }

    private ConnectReply connect(ByteString token) {
        return service.connect(ConnectReq.newBuilder().setServer("c1").setToken(token).build()).join();
    }

    private RefreshReply refresh(long mid, ByteString token) {
        return service.refresh(RefreshReq.newBuilder().setServer("c1").setMid(mid).setKey("key").setToken(token)
                .build()).join();
    }

    @Test
    void shouldTellTheCometTheTokensExpiryAndIds() {
        Instant exp = Instant.ofEpochSecond(Instant.now().plusSeconds(60).getEpochSecond());
        ConnectReply r = connect(token(5, "j-1", exp));
        assertThat(r.getErrorCode()).isZero();
        assertThat(r.getExpiresAtMs()).isEqualTo(exp.toEpochMilli() + 5000);
        assertThat(r.getJti()).isEqualTo("j-1");
        assertThat(r.getKid()).isEqualTo("k1");
    }

    @Test
    void shouldRefuseARevokedTokenAtConnectWithoutRoutingIt() {
        long until = System.currentTimeMillis() + 60_000;
        denyList.revoke(new Revocation(Kind.JTI, "bad", until)).join();
        denyList.revoke(new Revocation(Kind.MID, "9", until)).join();
        ConnectReply byJti = connect(token(5, "bad", Instant.now().plusSeconds(60)));
        assertThat(byJti.getErrorCode()).isEqualTo(ErrorCode.TOKEN_REVOKED.code());
        assertThat(connect(token(9, "fine", Instant.now().plusSeconds(60))).getErrorCode())
                .isEqualTo(ErrorCode.TOKEN_REVOKED.code());
        assertThat(directory.keysByMids(List.of(5L, 9L)).join()).isEmpty();
        assertThat(connect(token(5, "fine", Instant.now().plusSeconds(60))).getErrorCode()).isZero();
    }

    @Test
    void shouldRefreshOnlyWithTheSessionMembersValidUnrevokedToken() {
        Instant exp = Instant.ofEpochSecond(Instant.now().plusSeconds(600).getEpochSecond());
        RefreshReply ok = refresh(5, token(5, "j-2", exp));
        assertThat(ok.getErrorCode()).isZero();
        assertThat(ok.getExpiresAtMs()).isEqualTo(exp.toEpochMilli() + 5000);
        assertThat(ok.getJti()).isEqualTo("j-2");

        assertThat(refresh(5, token(6, "j-3", exp)).getErrorCode()).isEqualTo(ErrorCode.TOKEN_WRONG_MEMBER.code());
        assertThat(refresh(5, token(5, "j-4", Instant.now().minusSeconds(60))).getErrorCode())
                .isEqualTo(ErrorCode.TOKEN_EXPIRED.code());
        assertThat(refresh(5, ByteString.copyFromUtf8("not a jwt")).getErrorCode())
                .isEqualTo(ErrorCode.TOKEN_MALFORMED.code());
        denyList.revoke(new Revocation(Kind.KID, "k1", System.currentTimeMillis() + 60_000)).join();
        assertThat(refresh(5, token(5, "j-5", exp)).getErrorCode()).isEqualTo(ErrorCode.TOKEN_REVOKED.code());
    }

    @Test
    void shouldSendTheDenyListOnlyToACometHoldingAnotherVersion() {
        OnlineReply none = service.renewOnline(OnlineReq.newBuilder().setServer("c1").build()).join();
        assertThat(none.getRevokedVersion()).isEmpty();
        assertThat(none.getRevokedList()).isEmpty();

        denyList.revoke(new Revocation(Kind.MID, "3", System.currentTimeMillis() + 60_000)).join();
        OnlineReply changed = service.renewOnline(OnlineReq.newBuilder().setServer("c1").build()).join();
        assertThat(changed.getRevokedVersion()).isNotEmpty();
        assertThat(changed.getRevokedList()).hasSize(1);
        assertThat(changed.getRevoked(0).getKind()).isEqualTo("mid");
        assertThat(changed.getRevoked(0).getValue()).isEqualTo("3");

        OnlineReply same = service.renewOnline(OnlineReq.newBuilder().setServer("c1")
                .setRevokedVersion(changed.getRevokedVersion()).build()).join();
        assertThat(same.getRevokedVersion()).isEqualTo(changed.getRevokedVersion());
        assertThat(same.getRevokedList()).isEmpty();
    }
}
