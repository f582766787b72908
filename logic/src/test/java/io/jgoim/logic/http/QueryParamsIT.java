package io.jgoim.logic.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The push API reads its query as callers write it, over a real socket: a raw {@code ;} is part of a value (Netty
 * split parameters at it, so {@code room=1000;x} was pushed to room 1000 and answered OK), and numbers are ASCII
 * decimals (other scripts' digits and a trailing NUL were read as the number); a request line holds thousands of
 * mids, and a longer one is 414 (it was 400 "malformed" at Netty's 4096). Nothing refused is published.
 */
@Timeout(60)
class QueryParamsIT {
    private final HttpFixture http = new HttpFixture(Map.of());

    @AfterEach
    void close() {
        http.close();
    }

    private HttpFixture.Response post(String target) throws Exception {
        try (HttpFixture.Conn c = http.connect()) {
            c.send("POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody");
            return c.read();
        }
    }

    @Test
    void shouldTakeASemicolonAsPartOfTheValue() throws Exception {
        HttpFixture.Response r = post("/goim/push/room?operation=1000&type=live&room=1000;x");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.code()).isZero();
        assertThat(http.published.records()).singleElement()
                .satisfies(rec -> assertThat(rec.message().getRoom()).isEqualTo("live://1000;x"));
        HttpFixture.Response mids = post("/goim/push/mids?operation=1000&mids=123;456");
        assertThat(mids.status()).isEqualTo(400);
        assertThat(mids.json().get("message").asText()).isEqualTo("mids must be integers, got '123;456'");
        assertThat(http.published.records()).as("the mids push was not published").hasSize(1);
    }

    @Test
    void shouldRefuseNumbersThatAreNotAsciiDecimals() throws Exception {
        for (String target : new String[] {
            "/goim/push/mids?operation=1000&mids=%D9%A1%D9%A2%D9%A3",       // Arabic-Indic 123
            "/goim/push/mids?operation=1000&mids=%EF%BC%91%EF%BC%92%EF%BC%93", // fullwidth 123
            "/goim/push/mids?operation=1000&mids=123%00",
            "/goim/push/mids?operation=1000&mids=%20123",
            "/goim/push/room?operation=%D9%A1%D9%A0%D9%A0%D9%A1&type=live&room=1",
            "/goim/push/room?operation=1000%00&type=live&room=1",
            "/goim/push/mids?operation=1000&mids=5,0"}) {                   // 0: no member
            HttpFixture.Response r = post(target);
            assertThat(r.status()).as(target).isEqualTo(400);
            assertThat(r.code()).as(target).isEqualTo(400);
        }
        assertThat(http.published.records()).as("nothing published").isEmpty();
    }

    @Test
    void shouldTakeAPushOfThousandsOfMidsAndRefuseALongerRequestLineWith414() throws Exception {
        StringBuilder mids = new StringBuilder();
        for (int i = 1; i <= 3000; i++) {
            mids.append(i == 1 ? "" : ",").append(100_000 + i);
        }
        HttpFixture.Response r = post("/goim/push/mids?operation=1000&mids=" + mids);
        assertThat(r.status()).as("a %d-byte request line", mids.length() + 40).isEqualTo(200);
        int published = http.published.records().size();
        try (HttpFixture.Conn c = http.connect()) {
            c.send("POST /goim/push/keys?operation=1000&keys=" + "k".repeat(70_000)
                    + " HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody");
            HttpFixture.Response tooLong = c.read();
            assertThat(tooLong.status()).isEqualTo(414);
            assertThat(tooLong.code()).isEqualTo(414);
            assertThat(tooLong.json().get("message").asText()).startsWith("request line too long: ")
                    .endsWith("Split the push (fewer keys or mids per request).");
            assertThat(c.closedWithin(java.time.Duration.ofSeconds(10))).isTrue();
        }
        assertThat(http.published.records()).as("the refused push was not published").hasSize(published);
        http.assertServesNormally();
    }

    @Test
    void shouldRefuseARoomNoSessionCanBeIn() throws Exception {
        // the one room rule (RoomIds), as op 12 and Connect apply it: 1-256 bytes of UTF-8, no control characters
        for (String room : new String[] {"1000%00", "a%0Ab", "%7F", "r".repeat(300)}) {
            HttpFixture.Response r = post("/goim/push/room?operation=1000&type=live&room=" + room);
            assertThat(r.status()).as(room).isEqualTo(400);
            assertThat(r.code()).as(room).isEqualTo(10);
        }
        HttpFixture.Response type = post("/goim/push/room?operation=1000&type=live:%2F%2F1000&room=x");
        assertThat(type.json().get("message").asText()).isEqualTo("type is the room's type alone (live), without '://'");
        assertThat(http.published.records()).as("nothing published").isEmpty();
        assertThat(post("/goim/push/room?operation=1000&type=live&room=%E7%9B%B4%E6%92%AD").code()).isZero();
    }
}
