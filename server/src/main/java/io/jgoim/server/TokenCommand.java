package io.jgoim.server;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import io.jgoim.common.config.ConfigException;
import io.jgoim.common.config.ConfigLoader;
import io.jgoim.logic.auth.HmacSecret;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * {@code jgoim token}: mints an HS256 JWT that logic's {@code JwtAuthenticator} accepts, for trying a cluster that
 * runs configs/logic.yaml (signed tokens only) with {@code jgoim client --token}. The secret is read exactly as logic
 * reads a {@code file:} secret ({@link HmacSecret}). Claims: {@code mid}, {@code sub} (the mid as text), {@code key},
 * {@code room_id}, {@code platform}, {@code accepts}, {@code iat}, {@code exp}, and {@code iss}/{@code aud} when
 * given. A test tool: real tokens come from the operator's own login service. Prints the token and nothing else.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Mint a signed test token (JWT HS256) for logic's jwt mode; prints it on one line.",
            "Example: jgoim client --token \"$(jgoim token --secret-file secret --mid 123)\""})
final class TokenCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--secret-file", required = true,
            description = "file holding the HS256 secret (32+ bytes; the file logic's JGOIM_TOKEN_SECRET points at)")
    Path secretFile;

    @Option(names = "--kid", defaultValue = "main", description = "key id in the header (default: ${DEFAULT-VALUE})")
    String kid;

    @Option(names = "--mid", required = true, description = "member id")
    long mid;

    @Option(names = "--key", defaultValue = "", description = "session key; empty = logic picks one")
    String key;

    @Option(names = "--room", defaultValue = "", description = "room to join, type://id (e.g. live://1000)")
    String room;

    @Option(names = "--platform", defaultValue = "", description = "platform (web, ios, android, ...)")
    String platform;

    @Option(names = "--accepts", split = ",", description = "ops to watch, comma-separated (e.g. 1000,1001)")
    int[] accepts;

    @Option(names = "--ttl", defaultValue = "1h", description = "lifetime: exp = now + ttl (default: ${DEFAULT-VALUE})")
    String ttl;

    @Option(names = "--issuer", description = "iss claim (when logic sets auth.jwt.issuer)")
    String issuer;

    @Option(names = "--audience", description = "aud claim (when logic sets auth.jwt.audience)")
    String audience;

    private final Clock clock;

    TokenCommand() {
        this(Clock.systemUTC());
    }

    TokenCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        byte[] secret;
        Duration lifetime;
        try {
            secret = HmacSecret.readFile(secretFile, "--secret-file");
            lifetime = ConfigLoader.parseDuration(ttl);
        } catch (ConfigException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (lifetime.isZero() || lifetime.isNegative()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ttl must be > 0, was " + ttl);
        }
        Instant now = clock.instant();
        JWTCreator.Builder jwt = JWT.create().withKeyId(kid)
                .withSubject(Long.toString(mid))
                .withClaim("mid", mid)
                .withIssuedAt(now)
                .withExpiresAt(now.plus(lifetime));
        if (!key.isEmpty()) {
            jwt.withClaim("key", key);
        }
        if (!room.isEmpty()) {
            jwt.withClaim("room_id", room);
        }
        if (!platform.isEmpty()) {
            jwt.withClaim("platform", platform);
        }
        if (accepts != null) {
            jwt.withArrayClaim("accepts", Arrays.stream(accepts).boxed().toArray(Integer[]::new));
        }
        if (issuer != null) {
            jwt.withIssuer(issuer);
        }
        if (audience != null) {
            jwt.withAudience(audience);
        }
        spec.commandLine().getOut().println(jwt.sign(Algorithm.HMAC256(secret)));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
