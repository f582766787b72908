package io.jgoim.testkit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisServerTest {
    @Test
    void shouldServeStopAndRestartOnTheSamePort() throws IOException {
        try (RedisServer redis = RedisServer.start()) {
            assertThat(ping(redis.port())).isEqualTo("+PONG");
            redis.stop();
            assertThatThrownBy(() -> ping(redis.port())).isInstanceOf(IOException.class);
            redis.restart();
            assertThat(ping(redis.port())).isEqualTo("+PONG");
        }
    }

    private static String ping(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[7];
            int n = in.readNBytes(buf, 0, 5);
            return new String(buf, 0, n, StandardCharsets.US_ASCII);
        }
    }
}
