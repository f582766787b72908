package io.jgoim.logic.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.protocol.ErrorCode;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo page's static route on a test folder (jgoim/demo-test/ in the test resources): files with their content
 * types, the redirect of the bare prefix, and every way out of the folder refused with the API's codes.
 */
class DemoPagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DemoPages pages = new DemoPages("jgoim/demo-test/");
    private final List<FullHttpResponse> responses = new ArrayList<>();

    @AfterEach
    void release() {
        responses.forEach(FullHttpResponse::release);
    }

    private DemoPages.Served get(String target) {
        DemoPages.Served s = pages.respond(HttpMethod.GET, target);
        responses.add(s.response());
        return s;
    }

    private static String body(DemoPages.Served s) {
        return s.response().content().toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldServeFilesWithTheirContentTypes() {
        Map<String, String> types = Map.of(
                "/demo/", "text/html; charset=utf-8",
                "/demo/index.html?room=live://1", "text/html; charset=utf-8",
                "/demo/demo.css", "text/css; charset=utf-8",
                "/demo/sdk/index.js", "text/javascript; charset=utf-8");
        types.forEach((target, type) -> {
            DemoPages.Served s = get(target);
            assertThat(s.code()).as(target).isEqualTo(ErrorCode.OK);
            assertThat(s.response().status().code()).as(target).isEqualTo(200);
            assertThat(s.response().headers().get("Content-Type")).as(target).isEqualTo(type);
            assertThat(s.response().headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(s.response().headers().get("Content-Security-Policy")).contains("default-src 'self'");
        });
        assertThat(body(get("/demo/sdk/index.js"))).isEqualTo("export const x = 1;\n");
        assertThat(body(get("/demo/"))).startsWith("<!doctype html>");
    }

    @Test
    void shouldRedirectTheBarePrefixToTheFolderKeepingTheQuery() {
        DemoPages.Served s = get("/demo?room=live://7");
        assertThat(s.response().status().code()).isEqualTo(301);
        assertThat(s.response().headers().get("Location")).isEqualTo("/demo/?room=live://7");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/demo/../logic-defaults.yaml", "/demo/sdk/../../logic-defaults.yaml", "/demo/./index.html", "/demo/..",
        "/demo/%2e%2e/logic-defaults.yaml", "/demo/%2E%2E%2Flogic-defaults.yaml", "/demo/..%2flogic-defaults.yaml",
        "/demo/%2fetc%2fpasswd", "/demo/index%2ehtml", "/demo%2f..%2flogic-defaults.yaml",
        "/demo/..\\logic-defaults.yaml", "/demo/sdk\\index.js", "/demo/%00index.html"})
    void shouldRefuseEveryWayOutOfTheFolderWithBadParameter(String target) throws Exception {
        DemoPages.Served s = get(target);
        assertThat(s.code()).as(target).isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(s.response().status().code()).as(target).isEqualTo(400);
        JsonNode json = JSON.readTree(body(s));
        assertThat(json.get("code").asInt()).as(target).isEqualTo(400);
        assertThat(json.get("message").asText()).as(target).contains("not allowed in demo paths");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/demo/missing.html", "/demo/notes.txt", "/demo/sdk", "/demo/sdk/", "/demo/.hidden.js", "/demo//index.html",
        "/demo/a/b/c/d.js", "/demo/index.html.bak", "/demo/-x.js"})
    void shouldAnswerNotFoundForWhatIsNotAServableFile(String target) throws Exception {
        DemoPages.Served s = get(target);
        assertThat(s.code()).as(target).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(s.response().status().code()).as(target).isEqualTo(404);
        assertThat(JSON.readTree(body(s)).get("code").asInt()).as(target).isEqualTo(404);
    }

    @Test
    void shouldTakeGetAndHeadOnly() throws Exception {
        for (HttpMethod m : List.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.OPTIONS,
                HttpMethod.TRACE, HttpMethod.valueOf("FOO"))) {
            DemoPages.Served s = pages.respond(m, "/demo/");
            responses.add(s.response());
            assertThat(s.code()).as(m.name()).isEqualTo(ErrorCode.METHOD_NOT_ALLOWED);
            assertThat(s.response().status().code()).isEqualTo(405);
            assertThat(s.response().headers().get(HttpHeaderNames.ALLOW)).as(m.name()).isEqualTo("GET, HEAD");
            assertThat(JSON.readTree(body(s)).get("code").asInt()).isEqualTo(405);
        }
        DemoPages.Served head = pages.respond(HttpMethod.HEAD, "/demo/");
        responses.add(head.response());
        assertThat(head.code()).isEqualTo(ErrorCode.OK); // the GET reply; the codec sends its head alone
        assertThat(head.response().status().code()).isEqualTo(200);
    }
}
