package io.jgoim.logic.http;

import com.google.protobuf.ByteString;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.logic.LogicConfig;
import io.jgoim.logic.LogicServer;
import io.jgoim.logic.push.InMemoryPushPublisher;
import io.jgoim.protocol.rpc.logic.ConnectReq;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The push API's exact bytes (status lines, headers, JSON bodies, pipelined order, 400/404/405/413 answers and the
 * request metrics they leave) for a fixed set of requests, against push-api-golden.txt: recorded from the
 * single-class ApiHandler before it was split, so the route table and the generic pipelining handler answer every
 * byte as it did; {@code /health} alone was re-recorded when it became the readiness answer (JSON, see
 * docs/operations.md, "Health and readiness"), and the metrics' zero lines of read, admin and {@code other} routes went when
only the push routes stayed registered at zero (docs/operations.md, "Histogram buckets"). In-memory twins, no Redis or Kafka. On a difference the actual answers are written to
 * target/push-api-actual.txt for a diff.
 */
@Timeout(60)
class PushApiGoldenIT {
    private static final String[][] CASES = {
        {"POST", "/goim/push/keys?operation=1000&keys=k1,nobody", "m"},
        {"POST", "/goim/push/keys?operation=1000&keys=k1&keys=k2", "m"},
        {"POST", "/goim/push/mids?operation=1000&mids=1,2", "m"},
        {"POST", "/goim/push/room?operation=1000&type=live&room=1", "m"},
        {"POST", "/goim/push/all?operation=1000", "m"},
        {"POST", "/goim/push/all?operation=1000&speed=5", "m"},
        {"POST", "/goim/push/all?operation=1000&speed=", "m"},
        {"GET", "/goim/online/top?type=live&limit=5", null},
        {"GET", "/goim/online/top?type=live&limit=1001", null},
        {"GET", "/goim/online/top?type=&limit=5", null},
        {"GET", "/goim/online/room?type=live&rooms=1,2", null},
        {"GET", "/goim/online/total", null},
        {"GET", "/goim/nodes/weighted?platform=web", null},
        {"GET", "/goim/nodes/weighted?platform=android", null},
        {"POST", "/goim/push/keys?keys=a", "m"},
        {"POST", "/goim/push/keys?operation=abc&keys=a", "m"},
        {"POST", "/goim/push/keys?operation=%20abc%20&keys=a", "m"},
        {"POST", "/goim/push/keys?operation=%201000%20&keys=a", "m"},
        {"POST", "/goim/push/keys?operation=1000", "m"},
        {"POST", "/goim/push/keys?operation=1000&keys=", "m"},
        {"POST", "/goim/push/keys?operation=1000&keys=a,,b", "m"},
        {"POST", "/goim/push/keys?operation=7&keys=a", "m"},
        {"POST", "/goim/push/keys?operation=1000&keys=a", ""},
        {"POST", "/goim/push/keys?operation=1000&keys=a", null},
        {"POST", "/goim/push/mids?operation=1000&mids=1,x", "m"},
        {"POST", "/goim/push/mids?operation=1000&mids=1,,x", "m"},
        {"POST", "/goim/push/mids?operation=1000", "m"},
        {"POST", "/goim/push/mids?mids=1", "m"},
        {"POST", "/goim/push/room?operation=1000&room=1", "m"},
        {"POST", "/goim/push/room?operation=1000&type=live", "m"},
        {"POST", "/goim/push/room?type=live&room=1", "m"},
        {"POST", "/goim/push/room?operation=1000&type=live&room=1", "0123456789abcdefg"},
        {"POST", "/goim/push/all?operation=1000&speed=-1", "m"},
        {"POST", "/goim/push/all?operation=1000&speed=fast", "m"},
        {"POST", "/goim/push/all?speed=10", "m"},
        {"GET", "/goim/online/top?type=live", null},
        {"GET", "/goim/online/top?type=live&limit=0", null},
        {"GET", "/goim/online/top?type=live&limit=x", null},
        {"GET", "/goim/online/top?limit=5", null},
        {"GET", "/goim/online/room?type=live", null},
        {"GET", "/goim/online/room?rooms=1", null},
        {"GET", "/goim/nodes/weighted", null},
        {"GET", "/goim/push/keys?operation=1000&keys=a", null},
        {"HEAD", "/goim/push/keys?operation=1000&keys=a", null},
        {"POST", "/goim/online/total", "m"},
        {"DELETE", "/goim/nodes/instances", null},
        {"GET", "/goim/nope", null},
        {"GET", "/", null},
        {"GET", "/health", null},
        {"POST", "/health", "x"},
    };

    private static String exchange(int port, String raw) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String req(String method, String uri, String body, boolean close) {
        return method + " " + uri + " HTTP/1.1\r\nHost: x\r\n" + (close ? "Connection: close\r\n" : "")
                + (body == null ? "" : "Content-Length: " + body.length() + "\r\n") + "\r\n"
                + (body == null ? "" : body);
    }

    @Test
    void shouldAnswerEveryRequestByteForByteAsRecorded() throws Exception {
        InMemoryNodeRegistry nodes = new InMemoryNodeRegistry();
        nodes.register(new NodeInfo("comet-x", "local", 10, List.of("10.0.0.1:3101"), List.of("10.0.0.1:3102"),
                List.of(), "10.0.0.1:3109", 5, false, System.currentTimeMillis()), Duration.ofMinutes(1)).join();
        LogicConfig config = LogicConfig.load(null, Map.of("JGOIM_HTTP_PORT", "0", "JGOIM_GRPC_ENABLED", "false",
                "JGOIM_HTTP_MAX_BODY_BYTES", "16", "JGOIM_HTTP_MAX_PIPELINED_REQUESTS", "4"));
        try (LogicServer logic = new LogicServer(config, new InMemorySessionDirectory(Duration.ofMinutes(1)),
                new InMemoryPushPublisher(), nodes, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
            logic.start();
            logic.service().connect(ConnectReq.newBuilder().setServer("comet-a")
                    .setToken(ByteString.copyFromUtf8("{\"mid\":1,\"key\":\"k1\"}")).build()).join();
            int port = logic.httpAddress().getPort();
            StringBuilder out = new StringBuilder();
            for (String[] c : CASES) {
                out.append("=== ").append(c[0]).append(' ').append(c[1]).append(" [").append(c[2]).append("]\n");
                out.append(exchange(port, req(c[0], c[1], c[2], true))).append("\n");
            }
            out.append("=== pipelined\n").append(exchange(port,
                    req("POST", "/goim/push/keys?operation=1000&keys=k1", "p", false)
                    + req("GET", "/goim/nope", null, false)
                    + req("POST", "/goim/push/room?operation=1000&type=live&room=1", "0123456789abcdefghij", false)
                    + req("GET", "/goim/online/total", null, true))).append("\n");
            out.append("=== pipelined-many\n").append(exchange(port,
                    req("GET", "/goim/nope", null, false).repeat(9) + req("GET", "/goim/online/total", null, true)))
                    .append("\n");
            out.append("=== keepalive-http10\n").append(exchange(port, "GET /goim/nope HTTP/1.0\r\n\r\n"))
                    .append("\n");
            out.append("=== malformed\n").append(exchange(port,
                    "GET /goim/online/total HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")).append("\n");
            out.append("=== after-close\n").append(exchange(port,
                    req("GET", "/goim/nope", null, true) + req("GET", "/goim/online/total", null, false)))
                    .append("\n");
            out.append("=== metrics\n").append(requestMetrics(exchange(port, req("GET", "/metrics", null, true))));
            String expected;
            try (InputStream in = PushApiGoldenIT.class.getResourceAsStream("push-api-golden.txt")) {
                expected = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            }
            if (!expected.equals(out.toString())) {
                Files.writeString(Path.of("target", "push-api-actual.txt"), out, StandardCharsets.ISO_8859_1);
            }
            assertThat(out.toString()).isEqualTo(expected);
        }
    }

    /** The lines of the API's own metrics: request counts by route and code, pauses, connection errors. */
    private static String requestMetrics(String scrape) {
        StringBuilder m = new StringBuilder();
        for (String line : scrape.split("\n")) {
            if (line.startsWith("jgoim_logic_api_requests_seconds_count") || line.startsWith("jgoim_logic_http")
                    || line.startsWith("# HELP jgoim_logic_api") || line.startsWith("# HELP jgoim_logic_http")) {
                m.append(line).append('\n');
            }
        }
        return m.toString();
    }
}
