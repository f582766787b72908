/**
 * The jgoim load tool: bounded scenarios ({@link io.jgoim.loadtest.ConnectScenario},
 * {@link io.jgoim.loadtest.PushScenario}, {@link io.jgoim.loadtest.RoomBroadcastScenario}), each with an options
 * record and a programmatic {@code run(options)} that returns a {@link io.jgoim.loadtest.ScenarioResult}, and the
 * picocli CLI {@link io.jgoim.loadtest.LoadtestMain} that prints, writes and merges them.
 *
 * <pre>{@code
 * ScenarioResult r = ConnectScenario.run(new ConnectOptions(
 *         SessionOptions.defaults().withPorts(3101, 3102).withSessions(200, 1000), Duration.ofSeconds(2), 0));
 * assert r.count("sessions.held") == 200;
 * }</pre>
 *
 * CLI: {@code jgoim loadtest connect --sessions 15000 --connect-rate 2000 --source-ips 127.0.0.1-127.0.0.4
 * --hold 60s --server-pid $PID --processes 2}. Latencies are in microseconds in the JSON and the HdrHistogram log,
 * milliseconds in the table and the HTML report. The message payload format is documented in
 * {@link io.jgoim.loadtest.metrics.Payload}.
 */
package io.jgoim.loadtest;
