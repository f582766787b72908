package io.jgoim.loadtest;

import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The option groups the subcommands share (picocli mixins). Filled by picocli on the main thread. */
final class CliOptions {
    private CliOptions() {
    }

    /** Where and how sessions connect. */
    static final class Sessions {
        @Option(names = "--host", defaultValue = "127.0.0.1", description = "comet host (default ${DEFAULT-VALUE})")
        String host;
        @Option(names = "--tcp-port", defaultValue = "3101", description = "comet TCP port (default ${DEFAULT-VALUE})")
        int tcpPort;
        @Option(names = "--ws-port", defaultValue = "3102",
                description = "comet WebSocket port, path /sub (default ${DEFAULT-VALUE})")
        int wsPort;
        @Option(names = "--transport", defaultValue = "TCP", description = "TCP, WS or MIX (default ${DEFAULT-VALUE})")
        TransportMix transport;
        @Option(names = "--sessions", defaultValue = "1000",
                description = "sessions to open, at most 1,000,000 (default ${DEFAULT-VALUE})")
        int sessions;
        @Option(names = "--connect-rate", defaultValue = "1000",
                description = "new sessions per second (default ${DEFAULT-VALUE})")
        double connectRate;
        @Option(names = "--source-ips", defaultValue = "",
                description = "source addresses, e.g. 127.0.0.1-127.0.0.20 (about 28k sessions per address)")
        String sourceIps;
        @Option(names = "--heartbeat", defaultValue = "30s",
                description = "heartbeat interval (default ${DEFAULT-VALUE})")
        String heartbeat;
        @Option(names = "--mid-base", defaultValue = "1",
                description = "member id of session 0 (default ${DEFAULT-VALUE})")
        long midBase;
        @Option(names = "--threads", defaultValue = "2",
                description = "client event loop threads (default ${DEFAULT-VALUE})")
        int threads;
        @Option(names = "--connect-timeout", defaultValue = "10s",
                description = "connect and auth timeout per session (default ${DEFAULT-VALUE})")
        String connectTimeout;
        @Option(names = "--tls", description = "TLS on every session: point --tcp-port / --ws-port at the TLS ports "
                + "(comet: WSS 3103); certificates are not verified")
        boolean tls;
        @Option(names = "--positions", description = "sessions ask for stream positions (auth ver 3): pushes come as "
                + "op 20 with their position, as the SDK's positions(true) gets them")
        boolean positions;
        @Option(names = "--warmup", defaultValue = "0",
                description = "sessions to open and close before the measured run, warming the JITs of client and "
                        + "server (default ${DEFAULT-VALUE})")
        int warmup;
        @Option(names = "--max-pending", defaultValue = "0",
                description = "sessions connecting at once at most, over all processes (0: none; the rate alone "
                        + "paces them): past it the next waits for an earlier one to authenticate or fail, so a "
                        + "slow server is met at its own pace instead of timing sessions out (default ${DEFAULT-VALUE})")
        int maxPending;

        SessionOptions toOptions(String room) {
            return new SessionOptions(host, tcpPort, wsPort, transport, sessions, connectRate,
                    CliValues.addresses(sourceIps), CliValues.duration(heartbeat), room, midBase, 0, threads,
                    CliValues.duration(connectTimeout), tls, warmup, positions).withMaxPending(maxPending);
        }
    }

    /** Whose sessions and pushes: the default tenant (goim tokens), or a tenant's (signed tokens, header, key). */
    static final class Tenant {
        @Option(names = "--tenant", defaultValue = "",
                description = "run as this tenant (logic's tenants.declared): tokens carry the tenant claim, pushes "
                        + "X-Jgoim-Tenant; needs --jwt-secret-file (default: the default tenant, goim tokens)")
        String tenant;
        @Option(names = "--tenant-claim", defaultValue = "tenant",
                description = "the JWT claim logic reads the tenant from, tenants.claim (default ${DEFAULT-VALUE})")
        String claim;
        @Option(names = "--jwt-secret-file", description = "file holding the cluster's HS256 secret "
                + "(JGOIM_TOKEN_SECRET): sessions get signed tokens")
        Path secretFile;
        @Option(names = "--jwt-kid", defaultValue = "main",
                description = "kid of that secret in auth.jwt.keys (default ${DEFAULT-VALUE})")
        String kid;
        @Option(names = "--api-key-file", description = "file holding the push API key (sent as Bearer)")
        Path apiKeyFile;

        RunAs toRunAs() {
            try {
                byte[] secret = secretFile == null ? new byte[0] : trim(java.nio.file.Files.readAllBytes(secretFile));
                String key = apiKeyFile == null ? ""
                        : new String(trim(java.nio.file.Files.readAllBytes(apiKeyFile)),
                        java.nio.charset.StandardCharsets.US_ASCII);
                return new RunAs(tenant, claim, kid, secret, key);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot read a tenant credential file: " + e.getMessage(), e);
            }
        }

        /** Drops one trailing newline (a file written by echo). */
        private static byte[] trim(byte[] b) {
            int n = b.length;
            while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == '\r')) {
                n--;
            }
            return java.util.Arrays.copyOf(b, n);
        }
    }

    /** The HTTP push driver. */
    static final class Publisher {
        @Option(names = "--http", defaultValue = "http://127.0.0.1:3111",
                description = "logic HTTP API base URL (default ${DEFAULT-VALUE})")
        String http;
        @Option(names = "--operation", defaultValue = "1000", description = "pushed op (default ${DEFAULT-VALUE})")
        int operation;
        @Option(names = "--rate", defaultValue = "100", description = "pushes per second (default ${DEFAULT-VALUE})")
        double rate;
        @Option(names = "--duration", defaultValue = "10s", description = "how long to push (default ${DEFAULT-VALUE})")
        String duration;
        @Option(names = "--payload-size", defaultValue = "64",
                description = "body bytes, at least 24 (default ${DEFAULT-VALUE})")
        int payloadSize;
        @Option(names = "--max-in-flight", defaultValue = "1000",
                description = "requests allowed in flight; one due beyond it is not sent (counted as "
                        + "messages.notSent) (default ${DEFAULT-VALUE})")
        int maxInFlight;
        @Option(names = "--http-connections", defaultValue = "1",
                description = "pipelined HTTP connections, round robin; more than one gives up the push order "
                        + "(default ${DEFAULT-VALUE})")
        int httpConnections;
        @Option(names = "--http-depth", defaultValue = "0",
                description = "requests one HTTP connection may have pending: 0 = no bound (pipelined, round "
                        + "robin); 1 = a pool of --http-connections without pipelining, as a business service's "
                        + "client keeps one (default ${DEFAULT-VALUE})")
        int httpDepth;
        @Option(names = "--room-type", defaultValue = "live", description = "goim room type (default ${DEFAULT-VALUE})")
        String roomType;
        @Option(names = "--room-id", defaultValue = "1000", description = "goim room id (default ${DEFAULT-VALUE})")
        String roomId;

        PushOptions toOptions(PushTarget target, List<Long> mids, List<String> keys, long serverPid) {
            return new PushOptions(URI.create(http), target, roomType, roomId, mids, keys, operation, rate,
                    CliValues.duration(duration), payloadSize, maxInFlight, 1, serverPid, httpConnections,
                    RunAs.DEFAULT, httpDepth);
        }
    }

    /** Outputs, server measurement and multi-process control. */
    static final class Run {
        /** Whose sessions and pushes (the default tenant unless --tenant). */
        @picocli.CommandLine.Mixin
        Tenant tenant = new Tenant();

        @Option(names = "--server-pid", defaultValue = "0",
                description = "server pid: report its RSS, CPU and memory per session from /proc")
        long serverPid;
        @Option(names = "--out", defaultValue = "results/loadtest",
                description = "directory for the JSON, HdrHistogram log and HTML report (default ${DEFAULT-VALUE})")
        Path out;
        @Option(names = "--name", description = "file name stem of the outputs (default: scenario-timestamp)")
        String name;
        @Option(names = "--processes", defaultValue = "1",
                description = "run across N child JVMs with disjoint sessions and source addresses, merging "
                        + "their results (to go past one process's open-files limit; default ${DEFAULT-VALUE})")
        int processes;
        @Option(names = "--worker-jvm-opts", defaultValue = "-Xms64m -Xmx512m",
                description = "JVM options of the child processes (default ${DEFAULT-VALUE})")
        String workerJvmOpts;
        @Option(names = "--worker-index", defaultValue = "-1", hidden = true)
        int workerIndex;
        @Option(names = "--worker-count", defaultValue = "1", hidden = true)
        int workerCount;
        @Option(names = "--result-file", hidden = true)
        Path resultFile;

        boolean isWorker() {
            return workerIndex >= 0;
        }

        List<String> jvmOptions() {
            return workerJvmOpts.isBlank() ? List.of() : Arrays.asList(workerJvmOpts.trim().split("\\s+"));
        }

        void check() {
            if (processes < 1 || processes > 64) {
                throw new IllegalArgumentException("--processes must be in 1..64: " + processes);
            }
        }
    }
}
