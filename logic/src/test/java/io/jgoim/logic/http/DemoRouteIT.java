package io.jgoim.logic.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo route on a real logic listener: off by default (its paths are like any unknown route, NOT_FOUND); on, a
 * way out of the folder is refused BAD_PARAMETER before anything is looked up, without an API key, on a connection
 * that stays usable. (The page itself is in the server module's jar: server's DemoBrowserIT serves it.)
 */
@Timeout(60)
class DemoRouteIT {
    @Test
    void shouldBeOffByDefault() throws Exception {
        try (HttpFixture http = new HttpFixture(Map.of()); HttpFixture.Conn c = http.connect()) {
            c.send("GET /demo/ HTTP/1.1\r\nHost: x\r\n\r\n");
            HttpFixture.Response r = c.read();
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.code()).isEqualTo(404);
            assertThat(r.json().get("message").asText()).isEqualTo("no route /demo/");
        }
    }

    @Test
    void shouldRefuseTraversalWhenOnAndKeepTheConnection() throws Exception {
        try (HttpFixture http = new HttpFixture(Map.of("JGOIM_HTTP_DEMO_ENABLED", "true"));
             HttpFixture.Conn c = http.connect()) {
            for (String target : new String[] {"/demo/../logic-defaults.yaml", "/demo/%2e%2e/logic-defaults.yaml"}) {
                c.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
                HttpFixture.Response r = c.read();
                assertThat(r.status()).as(target).isEqualTo(400);
                assertThat(r.code()).as(target).isEqualTo(400);
            }
            c.send("GET /demo/no-such-file.js HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.read().code()).isEqualTo(404);
            http.assertServesNormally();
            assertThat(http.metric("jgoim_logic_api_requests_seconds_count{code=\"400\",route=\"demo\"}"))
                    .isEqualTo(2.0);
        }
    }
}
