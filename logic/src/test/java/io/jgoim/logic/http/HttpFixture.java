package io.jgoim.logic.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.logic.LogicConfig;
import io.jgoim.logic.LogicServer;
import io.jgoim.logic.push.InMemoryPushPublisher;
import io.jgoim.protocol.rpc.PushPublisher;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A logic HTTP listener on in-memory twins (no Redis, no Kafka) with config overrides, and raw-socket connections to
 * it: the hostile-input tests write bytes no HTTP client library would send.
 */
final class HttpFixture implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final LogicServer logic;
    /** What the API published (the bus of this fixture). */
    final InMemoryPushPublisher published = new InMemoryPushPublisher();
    /** Where the API looks sessions up (add some to route pushes to them). */
    final InMemorySessionDirectory directory = new InMemorySessionDirectory(Duration.ofMinutes(1));
    final int port;

    HttpFixture(Map<String, String> env) {
        this(null, env);
    }

    /** With a config file too ({@code http.apiKeys} lists can only come from a file). */
    HttpFixture(Path fileOrNull, Map<String, String> env) {
        this(fileOrNull, env, UnaryOperator.identity());
    }

    /** With the bus seen through {@code bus} (a slower one, say), which still publishes to {@link #published}. */
    HttpFixture(Map<String, String> env, UnaryOperator<PushPublisher> bus) {
        this(null, env, bus);
    }

    private HttpFixture(Path fileOrNull, Map<String, String> env, UnaryOperator<PushPublisher> bus) {
        Map<String, String> all = new HashMap<>(Map.of("JGOIM_HTTP_PORT", "0", "JGOIM_GRPC_ENABLED", "false"));
        all.putAll(env);
        logic = new LogicServer(LogicConfig.load(fileOrNull, all), directory,
                bus.apply(published), new InMemoryNodeRegistry(), registry);
        logic.start();
        port = logic.httpAddress().getPort();
    }

    /** A bus that acks each publish {@code delay} after the in-memory one took it, as Kafka acks after the read. */
    static UnaryOperator<PushPublisher> ackedAfter(Duration delay) {
        return bus -> (recordKey, message) -> bus.publish(recordKey, message).thenRunAsync(() -> { },
                CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));
    }

    Conn connect() throws IOException {
        return new Conn(new Socket("127.0.0.1", port));
    }

    /** A well-formed request on a new connection gets its normal answer: the listener was not disturbed. */
    void assertServesNormally() throws IOException {
        try (Conn c = connect()) {
            c.send("GET /goim/online/total HTTP/1.1\r\nHost: x\r\n\r\n");
            Response r = c.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.code()).isZero();
        }
    }

    /** The value of one sample in the Prometheus scrape, or NaN when absent. */
    double metric(String sample) {
        for (String line : registry.scrape().split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        return Double.NaN;
    }

    @Override
    public void close() {
        logic.close();
    }

    /** One HTTP response: status, lower-cased headers, body text and its parsed JSON (null when not JSON). */
    record Response(int status, Map<String, String> headers, String body, JsonNode json) {
        int code() {
            assertThat(json).as("JSON body of HTTP %s: '%s'", status, body).isNotNull();
            return json.get("code").asInt();
        }
    }

    /** A raw connection; reads block at most 20 s (a generous bound for a loaded machine). */
    static final class Conn implements AutoCloseable {
        final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(20_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        void send(String raw) throws IOException {
            send(raw.getBytes(StandardCharsets.ISO_8859_1));
        }

        void send(byte[] raw) throws IOException {
            out.write(raw);
            out.flush();
        }

        /** Reads one response (status line, headers, Content-Length body). */
        Response read() throws IOException {
            return read(false);
        }

        /** Reads the response to a HEAD request: status line and headers, no body whatever its Content-Length says. */
        Response readHead() throws IOException {
            return read(true);
        }

        private Response read(boolean head) throws IOException {
            String statusLine = line();
            assertThat(statusLine).as("status line").startsWith("HTTP/1.1 ");
            int status = Integer.parseInt(statusLine.substring(9, 12));
            Map<String, String> headers = new HashMap<>();
            String h;
            while (!(h = line()).isEmpty()) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
            int length = head ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
            byte[] body = in.readNBytes(length);
            assertThat(body).as("body").hasSize(length);
            String text = new String(body, StandardCharsets.UTF_8);
            JsonNode json = headers.getOrDefault("content-type", "").startsWith("application/json")
                    ? JSON.readTree(text) : null;
            return new Response(status, headers, text, json);
        }

        /**
         * True when the server closes the connection within {@code within} (end of stream or a reset), false when
         * it is still open then. Bytes arriving meanwhile fail the check: nothing more was due.
         */
        boolean closedWithin(Duration within) throws IOException {
            socket.setSoTimeout((int) within.toMillis());
            try {
                int b = in.read();
                assertThat(b).as("no more bytes expected").isEqualTo(-1);
                return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException reset) {
                return true;
            } finally {
                if (!socket.isClosed()) {
                    socket.setSoTimeout(20_000);
                }
            }
        }

        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("connection closed before a full response line; got '"
                            + b.toString(StandardCharsets.ISO_8859_1) + "'");
                }
                b.write(c);
            }
            String s = b.toString(StandardCharsets.ISO_8859_1);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
