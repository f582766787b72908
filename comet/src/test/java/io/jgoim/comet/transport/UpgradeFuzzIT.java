package io.jgoim.comet.transport;

import io.jgoim.comet.TestClient;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.testkit.LeakCheck;
import io.jgoim.testkit.StderrLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A seeded, bounded fuzzer of the comet's WebSocket upgrade request, on a real comet ({@link HostileComet}: a TCP
 * bystander, here also a WebSocket one) with an Origin allow-list and 127.0.0.1 trusted for X-Forwarded-For. Each
 * case ({@link UpgradeCases}) writes a valid upgrade request mutated in method, target, version, headers, body,
 * framing and bytes, sometimes with bytes pipelined behind it, split, cut short, half-closed or stalled past the
 * handshake deadline, and checks the answer ({@link UpgradeCase}): HTTP/1.1, a documented status, a 101 only for a
 * request that is valid (and always for one), valid frames behind it, a refusal with Content-Length and
 * {@code Connection: close}, then closed, nothing after. After each batch ({@link FuzzBatchCheck}): the comet holds
 * its bystanders alone (sessions, per-address slots of every address used, rooms), both bystanders get pushes,
 * nothing logged at ERROR or with a stack trace, no leaked buffer. {@code -Djgoim.fuzz.seed} (fixed by default,
 * {@code random} for a new one; printed), {@code -Djgoim.fuzz.cases} (200), {@code -Djgoim.fuzz.only=3,17} (just
 * those cases, their bytes printed).
 */
@ExtendWith(LeakCheck.class)
class UpgradeFuzzIT {
    /** Fixed by default, so CI runs the same cases and a failure there is a regression; {@code random} explores. */
    private static final long SEED = FuzzBatchCheck.seed(System.getProperty("jgoim.fuzz.seed", "20261207"));
    private static final int CASES = Integer.getInteger("jgoim.fuzz.cases", 200);
    private static final String ONLY = System.getProperty("jgoim.fuzz.only", "");
    private static final long DEADLINE_MILLIS = 1000;
    private static final int PARALLEL = 8;
    private static final int BATCH = 40;
    private static final String WS_ROOM = "live://ws-bystander";
    private static StderrLog log;
    private static HostileComet hostile;
    private static TestClient wsBystander;
    private static FuzzBatchCheck checks;

    @BeforeAll
    static void start() throws Exception {
        System.out.println("UpgradeFuzzIT: seed " + SEED + ", " + CASES + " cases (replay with -Djgoim.fuzz.seed="
                + SEED + ")");
        log = StderrLog.install();
        hostile = new HostileComet(Map.of("JGOIM_PROTOCOL_HANDSHAKE_TIMEOUT", DEADLINE_MILLIS + "ms",
                "JGOIM_LIMITS_MAX_CONNECTIONS_PER_IP", "100000",
                "JGOIM_WEB_SOCKET_ALLOWED_ORIGINS", UpgradeMutations.ALLOWED_ORIGIN,
                "JGOIM_PROXY_FORWARDED_FOR_TRUSTED", "127.0.0.1/32"));
        wsBystander = TestClient.connect(TestClient.Mode.WS, hostile.comet());
        wsBystander.auth(PacketLayout.VERSION, HostileComet.token("ws-bystander", WS_ROOM));
        byte[] reply = wsBystander.next(3000);
        assertThat(reply).as("the WebSocket bystander's auth reply").isNotNull();
        assertThat(TestClient.op(reply)).isEqualTo(Op.AUTH_REPLY);
        Map<String, Integer> connections = new LinkedHashMap<>();
        connections.put("127.0.0.1", 2);
        connections.put(UpgradeCases.UNTRUSTED_PEER, 0);
        UpgradeMutations.FORWARDED.forEach(a -> connections.put(a, 0));
        checks = new FuzzBatchCheck(hostile, log, 1, connections,
                Map.of(HostileComet.BYSTANDER_ROOM, 1, WS_ROOM, 1));
    }

    @AfterAll
    static void stop() {
        if (wsBystander != null) {
            wsBystander.close();
        }
        if (hostile != null) {
            hostile.close();
        }
        log.close();
    }

    @Test
    void shouldAnswerEveryMutatedUpgradeRequestWithADocumentedStatusAndKeepServing() {
        assertTimeoutPreemptively(Duration.ofSeconds(60 + CASES / 4), this::fuzz);
    }

    private void fuzz() throws Exception {
        String replay = "replay: -Djgoim.fuzz.seed=" + SEED + " -Djgoim.fuzz.only=<case> -Dit.test=UpgradeFuzzIT";
        List<Integer> cases = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            if (ONLY.isEmpty() || List.of(ONLY.split(",")).contains(Integer.toString(i))) {
                cases.add(i);
            }
        }
        UpgradeCases generator = new UpgradeCases(hostile.comet().config().webSocket().path(), "127.0.0.1");
        Map<String, Integer> outcomes = new TreeMap<>();
        long start = System.nanoTime();
        int warnings = 0;
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        // every batch runs, so one run shows all it found
        List<String> failures = new ArrayList<>();
        try {
            for (int from = 0; from < cases.size(); from += BATCH) {
                List<Integer> batch = cases.subList(from, Math.min(cases.size(), from + BATCH));
                String name = "seed " + SEED + ", cases " + batch.get(0) + ".." + batch.get(batch.size() - 1);
                int mark = log.mark();
                List<UpgradeCases.Case> built = new ArrayList<>();
                List<Future<UpgradeCase.Result>> running = new ArrayList<>();
                for (int index : batch) {
                    UpgradeCases.Case c = generator.build(SEED, index);
                    built.add(c);
                    running.add(pool.submit(() -> new UpgradeCase(c, hostile.comet().wsAddress(), DEADLINE_MILLIS)
                            .run()));
                }
                Map<Integer, Integer> casesByPort = new HashMap<>();
                for (int i = 0; i < batch.size(); i++) {
                    UpgradeCases.Case c = built.get(i);
                    String id = "seed " + SEED + ", case " + c.index() + " [" + c.label() + "]";
                    String sent = "\n    sent: " + UpgradeCases.escape(c.sent(), ONLY.isEmpty() ? 400 : 100_000);
                    try {
                        UpgradeCase.Result r = running.get(i).get(30, TimeUnit.SECONDS);
                        r.ports().forEach(p -> casesByPort.put(p, c.index()));
                        outcomes.merge(r.outcome(), 1, Integer::sum);
                        if (!ONLY.isEmpty()) {
                            System.out.println(id + ": " + r.outcome() + sent + "\n    received: " + r.received());
                        }
                        if (!r.problems().isEmpty()) {
                            failures.add(id + ": " + r.problems() + sent + "\n    received: " + r.received());
                        }
                    } catch (ExecutionException e) {
                        failures.add(id + ": " + e.getCause() + sent);
                    } catch (TimeoutException e) {
                        running.get(i).cancel(true);
                        failures.add(id + ": did not end within 30 s" + sent);
                    }
                }
                failures.addAll(checks.afterBatch(name, mark, casesByPort));
                String ws = wsBystanderServed();
                if (ws != null) {
                    failures.add(name + ": " + ws);
                }
                warnings += log.warnings(mark);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(failures).as("seed " + SEED + ": " + failures.size() + " failures (" + replay + ")").isEmpty();
        System.out.printf("UpgradeFuzzIT: seed %d: %d cases in %d ms, %d WARN lines; outcomes: %s%n", SEED,
                cases.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), warnings, outcomes);
    }

    /** A push to the WebSocket bystander's room reaches it; null when it did, else what went wrong. */
    private static String wsBystanderServed() throws InterruptedException {
        String body = hostile.broadcast(WS_ROOM);
        byte[] push = wsBystander.next(3000);
        if (push == null) {
            return "the WebSocket bystander got no push";
        }
        int op = TestClient.op(push);
        if (op != HostileComet.PUSH_OP && op != Op.RAW
                || !new String(push, StandardCharsets.UTF_8).contains(body)) {
            return "the WebSocket bystander got op " + op + " instead of its push " + body;
        }
        return null;
    }
}
