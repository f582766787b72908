package io.jgoim.logic.http;

import io.jgoim.testkit.LateReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When logic ends a connection after a reply (a malformed request, a refusal, Connection: close) while the client is
 * still sending and has not read the earlier replies yet, every reply still arrives, the last one the refusal, then
 * the end of the stream: closing with the client's bytes unread would make the kernel send a reset that discards the
 * replies not yet transmitted. Found by HttpFuzzIT (seed 22, case 1734: a pipelined flood with garbage in it, whose
 * last replies were lost now and then).
 */
@Timeout(60)
class CloseAfterRefusalIT {
    private static final String GET = "GET /goim/online/total HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final int REQUESTS = 400;

    private final HttpFixture http = new HttpFixture(Map.of());

    @AfterEach
    void close() {
        http.close();
    }

    @Test
    void shouldDeliverEveryReplyAndTheRefusalToAClientThatReadsLate() throws Exception {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096); // the replies back up in logic's socket, as behind a slow reader
            s.connect(new InetSocketAddress("127.0.0.1", http.port));
            s.setSoTimeout(20_000);
            s.getOutputStream().write((GET.repeat(REQUESTS) + "NOT HTTP\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(300); // logic answers what it read, queues the 400, stops reading
            s.getOutputStream().write(GET.repeat(20).getBytes(StandardCharsets.US_ASCII)); // left unread
            Thread.sleep(300);
            String got = readToEnd(s.getInputStream());
            assertThat(count(got, "HTTP/1.1 200 OK")).as("replies before the refusal").isEqualTo(REQUESTS);
            assertThat(got).contains("HTTP/1.1 400 Bad Request").endsWith("\"data\":null}");
        }
        http.assertServesNormally();
    }

    @Test
    void shouldDeliverTheWholeConnectionRefusalToAClientStillSending() throws Exception {
        try (HttpFixture limited = new HttpFixture(Map.of("JGOIM_HTTP_MAX_CONNECTIONS_PER_IP", "1"));
             HttpFixture.Conn held = limited.connect()) {
            held.send(GET);
            assertThat(held.read().status()).isEqualTo(200);
            // refused at accept (the address holds its one connection) while its requests are still coming
            LateReader.Outcome got = LateReader.send(new InetSocketAddress("127.0.0.1", limited.port), GET,
                    GET.repeat(20), 5000);
            assertThat(got.writeFailure()).as("a write after the refusal").isNull();
            assertThat(got.ended()).as("the stream ended after the refusal, not reset").isTrue();
            assertThat(got.received()).startsWith("HTTP/1.1 429 Too Many Requests\r\n")
                    .containsIgnoringCase("\r\nconnection: close\r\n").endsWith("\"data\":null}");
            assertThat(count(got.received(), "HTTP/1.1")).isEqualTo(1);
        }
    }

    /** Everything up to the end of the stream; a reset ends it too (what it discarded is missing then). */
    private static String readToEnd(InputStream in) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                b.write(buf, 0, n);
            }
        } catch (IOException reset) {
            // what arrived before it is what the client got
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
