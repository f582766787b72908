package io.jgoim.common.admin;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.jgoim.common.health.HealthConfig;
import io.jgoim.common.health.NodeHealth;
import io.jgoim.common.http.access.AdminKey;
import io.jgoim.common.http.access.ApiKeyring;
import io.jgoim.common.logging.LogLevels;
import io.jgoim.common.metrics.MetricsHttpServer;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin endpoint on a real admin listener: one audit line per action on {@code io.jgoim.audit} naming the key
 * id and never the key, with the outcome (ok and its counts, or the refusal's code); refused keys are no action and
 * leave no audit line; a bug in an action is INTERNAL without breaking the listener.
 */
class AdminEndpointIT {
    private static final String OPS = "s".repeat(48);
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final ListAppender<ILoggingEvent> audit = new ListAppender<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private MultiThreadIoEventLoopGroup group;
    private MetricsHttpServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        audit.setContext(context);
        audit.start();
        context.getLogger(LogLevels.AUDIT_LOGGER).addAppender(audit);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(OPS.getBytes(StandardCharsets.US_ASCII)));
        ApiKeyring keys = new ApiKeyring(List.of(new AdminKey("ops", sha, List.of("admin"), 0, 0)),
                "jgoim.test.admin.auth", meters, System::nanoTime);
        AdminRoutes routes = new AdminRoutes()
                .add(POST, "/admin/kick", "kick", List.of("mid"), call -> {
                    long mid = call.memberId("mid");
                    if (mid == 0) {
                        throw AdminCall.bad("mid is required");
                    }
                    return CompletableFuture.completedFuture(Map.of("closed", 2));
                })
                .add(POST, "/admin/broken", "broken", List.of(), call -> {
                    throw new IllegalStateException("a bug");
                })
                .add(POST, "/admin/gone", "gone", List.of("server"), call -> CompletableFuture.failedFuture(
                        new JgoimException(ErrorCode.NOT_FOUND, "no comet 'x'")))
                .add(GET, "/admin/bans", "bans", List.of(), call -> CompletableFuture.completedFuture(
                        Map.of("bans", 3)));
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new MetricsHttpServer(meters, new NodeHealth("t", new HealthConfig(java.time.Duration.ofSeconds(1),
                java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(5), Map.of()), null), null,
                new AdminEndpoint(routes, keys, "admin.apiKeys"));
        address = server.start(group, NioServerSocketChannel.class, "127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        context.getLogger(LogLevels.AUDIT_LOGGER).detachAppender(audit);
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private HttpResponse<String> post(String pathAndQuery, String key) throws Exception {
        return call("POST", pathAndQuery, key);
    }

    private HttpResponse<String> call(String method, String pathAndQuery, String key) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort()
                + pathAndQuery)).method(method, HttpRequest.BodyPublishers.noBody());
        if (key != null) {
            r.header("Authorization", "Bearer " + key);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<String> lines() {
        return audit.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void shouldAuditEveryActionOnceWithTheKeyIdAndTheOutcome() throws Exception {
        assertThat(post("/admin/kick?mid=12", OPS).body()).startsWith("{\"code\":0,");
        assertThat(post("/admin/kick?mid=x", OPS).statusCode()).isEqualTo(400);
        assertThat(post("/admin/gone?server=x", OPS).statusCode()).isEqualTo(404);
        HttpResponse<String> bug = post("/admin/broken", OPS);
        assertThat(bug.statusCode()).isEqualTo(500);
        assertThat(bug.body()).contains("\"code\":" + ErrorCode.INTERNAL.code());
        assertThat(lines()).containsExactly(
                "admin kick mid=12 by API key ops from 127.0.0.1: ok closed=2",
                "admin kick mid=x by API key ops from 127.0.0.1: refused 400 mid must be a member id (a positive"
                        + " integer), was 'x'",
                "admin gone server=x by API key ops from 127.0.0.1: refused 404 no comet 'x'",
                "admin broken - by API key ops from 127.0.0.1: refused 500 internal error");
        assertThat(String.join("\n", lines())).doesNotContain(OPS);
        assertThat(audit.list).allSatisfy(e -> assertThat(e.getLevel().toString()).isEqualTo("INFO"));
        // The listener still answers after the bug.
        assertThat(post("/admin/kick?mid=1", OPS).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldLeaveNoAuditLineForARefusedKey() throws Exception {
        assertThat(post("/admin/kick?mid=1", null).statusCode()).isEqualTo(401);
        assertThat(post("/admin/kick?mid=1", "nope").statusCode()).isEqualTo(401);
        assertThat(lines()).isEmpty();
    }

    @Test
    void shouldNameAPathsMethodsInA405AndAnswerHeadOnAGetRoute() throws Exception {
        HttpResponse<String> get = call("POST", "/admin/bans", OPS);
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("allow")).hasValue("GET, HEAD");
        assertThat(get.body()).contains("\"code\":" + ErrorCode.METHOD_NOT_ALLOWED.code()).contains("use GET, HEAD");
        HttpResponse<String> put = call("PUT", "/admin/kick?mid=1", OPS);
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("allow")).hasValue("POST");
        HttpResponse<String> head = call("HEAD", "/admin/bans", OPS);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValueAsLong("content-length").orElse(0))
                .isEqualTo(call("GET", "/admin/bans", OPS).body().getBytes(StandardCharsets.UTF_8).length);
        assertThat(lines()).as("a refused method is no action").containsExactly(
                "admin bans - by API key ops from 127.0.0.1: ok bans=3",
                "admin bans - by API key ops from 127.0.0.1: ok bans=3");
    }
}
