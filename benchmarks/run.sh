#!/usr/bin/env bash
# End-to-end benchmark scenarios of jgoim (issue 8): `benchmarks/run.sh SCENARIO...` with SCENARIO one of
#   idle           15,000 sessions held with heartbeats: live heap + direct memory per session, RSS, idle CPU (and
#                  per thread); IDLE_PROFILE=1 adds 12 s of JFR after the measured window
#   fanout         15,000 sessions in one room: 20 msgs/s (latency mode), then a high rate (throughput mode):
#                  deliveries/s, server CPU us per delivery, e2e p50/p99/p999, loss, max GC pause (GC log)
#   connect-storm  connects+auths per second, a rate ladder until failures appear or the achieved rate falls below
#                  90 % of the offered one (saturation); warm worker JVMs, measured from first start to last auth
#   push-api       HTTP pushes accepted per second with latency, a rate ladder (every step runs)
#   unicast        pushes to single mids at a fixed rate: end-to-end latency percentiles
#   tenants        (issue 15) the production (default) tenant's room push latency, TENANT_SESSIONS (2000) sessions at
#                  TENANT_PROD_RATE (20) msgs/s, alone and with the load-test tenant's traffic beside it (its own
#                  TENANT_SESSIONS sessions in the SAME room name, TENANT_LOAD_RATE (200) msgs/s), interleaved
#                  TENANT_REPS (2) times: latency, loss and cross-tenant deliveries (none may arrive: the load tool
#                  counts a message it did not expect as a failure) of the production tenant in both conditions
#   resume-storm   STORM_RESUME_SESSIONS (15,000) position-aware sessions of one room get seed messages, lose their
#                  link together (cut on the client side), miss RESUME_MISSED (100) messages and reconnect spread
#                  over RESUME_WINDOW (10s): recovered / total, not recovered by code, time to recover p50/p99/max,
#                  duplicates/gaps, and the comet's history reads (store / cache / joined) from /metrics (issue 13)
#   latency-sweep  one room of SWEEP_SESSIONS ("1000 5000 15000") sessions at SWEEP_RATES ("2 20 100 200") msgs/s
#                  over SWEEP_TRANSPORTS ("tcp ws"), SWEEP_SECONDS (20) each, one server per session count: per cell
#                  p50/p99/p99.9, lost, server CPU per delivery, messages per write (the comet's fan-out counters)
#                  and the box's load average, beside the loopback floor for that session count (derivation in the
#                  output: a message waits up to one pass of writes for its batch, then one pass for the last
#                  session; a pass costs sessions x (kernel write + read CPU) / cores; the per-write CPU comes from
#                  the newest benchmarks/results/loopback-floor-*.json, else a quick loopback_floor run here); the
#                  server's busiest threads over 10 s of each cell, with SWEEP_PROFILE=1 a JFR of those 10 s, with SWEEP_PROFILE=perf a perf profile (kernel too);
#                  each server first gets an unmeasured warm-up cell per transport, SWEEP_WARMUP_SECONDS (30; 0: none)
#                  at SWEEP_WARMUP_RATE (20) msgs/s, after a burst of the push path (SWEEP_WARMUP_BURST "500 10": 500/s
#                  for 10 s into a 100-session room of its own), so the first measured cell does not pay the JIT
#                  the receiving sessions live in SWEEP_PROCESSES (1) load-tool JVM(s) with SWEEP_TOOL_THREADS (1)
#                  event loop(s) each: the floor's reader is one thread over all its sockets, and on two cores shared
#                  with the server each further receiving thread adds sleeps and wake-ups (paid by the server's
#                  writes too) that neither the floor nor a device holding one session pays (2 x 2 read p99 1.5-1.6 x
#                  higher at 15,000: BENCHMARKS.md, "the receivers' geometry")
#   upstream       (issue 18) upstream messages through an http route: UPSTREAM_CLIENTS (50) TCP SDK sessions send
#                  op-2000 messages open loop at UPSTREAM_RATES ("5000") msgs/s for UPSTREAM_SECONDS (20) each to a
#                  standalone whose route POSTs them to a local backend (UPSTREAM_BACKEND: netty, one event loop; or
#                  jdk, the JDK's HttpServer), over at most UPSTREAM_MAX_CONNECTIONS (64) keep-alive connections:
#                  replies/s, errors by code, latency p50/p90/p99/p99.9 from the intended send time; one JVM
#                  (benchmarks/upstream/UpstreamProxyBench.java: server, clients and backend share the CPU)
#   all            every one of the above but resume-storm, latency-sweep and upstream, in that order
# and, without any JVM (the floor under the fan-out targets):
#   loopback-floor a C program (gcc) writes 80 or 400 B to each of 5,000 loopback TCP sockets in turn, 20 passes, a
#                  child process reads them with epoll: the kernel's CPU per socket write and per read on this
#                  machine, with a kernel profile (perf, when it runs here) and the bounds that follow for fanout
# and, against a real cluster (redis-server, a Kafka broker, logic and one comet as separate processes, started by
# benchmarks/scenarios/cluster.sh as in benchmarks/cluster-e2e.sh; not part of "all"):
#   connect-storm-cluster  connects+auths per second through the cluster comet (auth over gRPC to logic, routes in
#                          Redis), issue 19's ladder past saturation: every offered rate of CLUSTER_STORM_RATES
#                          ("2000 5000 7500 10000 15000 25000") runs CLUSTER_STORM_REPS (3) times, the order alternating
#                          ascending / descending, CLUSTER_STORM_SESSIONS (16000) measured sessions per step after
#                          STORM_WARMUP unmeasured ones; each step's sessions are closed (the comet's open files back
#                          down) before the next, so a step stays under the comet's 20,000 open files. Per rate: the
#                          median admitted/s and its spread (min..max), admitted of offered (count-based), the tool's
#                          start lag and its worker JVMs' CPU (/proc, in the window); the peak and issue 19's verdict
#                          (>= 90 % of the peak past the server's saturation) over the medians, up to the rate where
#                          the tool runs out of CPU (median start lag p50 > 100 ms: named in the output). CPU of
#                          comet, logic, redis, Kafka, load tool. About 7 min on 2 busy vCPUs (18 steps of 12-27 s,
#                          the cluster's start and two warm-up rounds; CLUSTER_STORM_REPS=1: about 2.5 min)
#   push-api-cluster       HTTP pushes accepted per second by logic into Kafka (acks=all), fixed offered rates
#   push-api-overload      (issue 19) logic's adaptive shedding (BBR) on the push API, one logic process with BBR on
#                          (cpuSource OVERLOAD_CPU_SOURCE: system or process): the maximum, the unloaded p99 at
#                          OVERLOAD_BASE_RATE, then OVERLOAD_FACTOR (3) x the maximum plus OVERLOAD_BURNERS (1) CPU
#                          burners at nice 19 beside a base stream
#                          that outlives the burst: 429 latency, accepted/s vs the maximum, accepted p99 vs unloaded,
#                          errors other than 429, time from the load drop to the last 429; one verdict line per
#                          criterion (knobs and why the cluster, not standalone: above scenario_push_api_overload);
#                          OVERLOAD_PIN (1 where taskset exists and nproc >= 2): logic alone on the last CPU
#                          (OVERLOAD_LOGIC_CPU), the rest on the others (OVERLOAD_OTHER_CPUS), burners on logic's CPU
#                          (OVERLOAD_BURNER_CPUS) at OVERLOAD_BURNER_NICE (0 pinned, 19 not); OVERLOAD_MAX_BURNER=1
#                          runs the burner in the maximum step too; OVERLOAD_AUTOGROUP_NICE (unset): the scheduler
#                          autogroup nice of the scenario's processes; OVERLOAD_PROFILE=1: a JFR of logic in the burst;
#                          OVERLOAD_BURST_PREWARM (0): seconds of the burst and of the base stream sent unmeasured
#                          before their schedules (a cold tool JVM lags its schedule by seconds on a busy CPU);
#                          OVERLOAD_HTTP_CONNECTIONS (200) x OVERLOAD_HTTP_DEPTH (1): the tool's HTTP pool, one
#                          request per connection at a time (0 = pipelined round robin, as before 2026-12-06);
#                          OVERLOAD_DRIVER (c where gcc exists, else java): the driver of EVERY step (max, warm,
#                          unloaded, base, burst), so the steps compare: c = benchmarks/scenarios/push_flood.c (compiled
#                          into the run directory; ~10-20 us of CPU a request, so on 2 cores it can offer 3 x; a request
#                          due while its pool is full waits for a connection, timed from its due time and from its
#                          write), java = the JVM load tool's push (~100 us a request: it sent 6-21 % of the 3 x
#                          schedule here; a request due while its pool is full is not sent); OVERLOAD_ON_BUSY (wait;
#                          drop: the C driver too counts such a request as not sent, as the JVM tool does);
#                          OVERLOAD_WARM_MAX_RATE (c: 10000; java: OVERLOAD_BASE_RATE) for OVERLOAD_WARM_MAX_SECONDS
#                          (c: 30; java: 5): the unmeasured pushes before the maximum step (2026-12-07, C driver: after
#                          5 s at 2,000/s the maximum read 5,655 and 7,232/s and the burst later got 14,758-14,944/s
#                          accepted; after 30 s at 10,000/s it read 15,413/s)
# Each scenario starts its own standalone server (server/target/jgoim.jar, or $JGOIM_JAR) on Temurin 25 with
# generational ZGC when installed (else the java on PATH), with a GC log, drives it with the load tool over loopback,
# stops it and writes benchmarks/results/<scenario>-<UTC time>.json (figures, targets, commands, JDK, machine,
# commit, load average). Raw outputs (tool JSON/HTML/hlog, GC log, JFR) stay in benchmarks/results/runs/ (ignored).
#
# Knobs (environment): JGOIM_JAR, JGOIM_COMMIT, BENCH_JAVA_HOME, SERVER_XMX (1g), SERVER_OPTS (extra server JVM
# options), SERVER_GC_OPTS (replaces the GC flags, e.g. "-XX:+UseG1GC"), SESSIONS (15000), CONNECT_RATE (600),
# FANOUT_LATENCY_RATE (20), FANOUT_TP_RATE (200), STORM_SESSIONS (12000), STORM_RATES ("5000 7500 10000 15000 20000
# 30000"), STORM_WARMUP (8000 unmeasured sessions per step, split over the workers), STORM_PROCESSES (2),
# STORM_CONTINUE (0; 1: every step runs, past the first failing one too), STORM_REPS (1; connect-storm: > 1 runs
# the ladder that many times in alternating order, every step, medians per rate), STORM_RETRY (0; 1: the tool's
# --retry-refused, refused sessions try again as the SDK would, for STORM_RETRY_FOR (10s) after the last start),
# PUSH_RATES ("5000 10000 20000 40000"),
# PUSH_WARM_RATE (2000) and PUSH_WARM_SECONDS (5): push-api's warm-up before the steps (the JIT settles over about a
# minute at 20,000/s: an on/off comparison wants 10000 and 60), PUSH_SECONDS (10: each measured step),
# UNICAST_SESSIONS (1000), UNICAST_RATE (500), IDLE_TRANSPORT (mix, tcp, ws), FANOUT_MODES ("latency throughput"),
# PROFILE (1: JFR in fanout and connect-storm), PUSH_PROFILE (unset; a rate: JFR of push-api's step at that rate),
# CLUSTER_STORM_RATES ("2000 5000 7500 10000 15000 25000"), CLUSTER_STORM_REPS (3), CLUSTER_STORM_SESSIONS (16000: with
# the comet's other files, under its 20,000 open-files cap; the run warns when near), CLUSTER_PUSH_RATES ("5000
# 10000"), CLUSTER_PUSH_SECONDS (15),
# OVERLOAD_MAX (unset: measured; N skips the BBR-off step), OVERLOAD_MAX_OFFERED (30000), OVERLOAD_SECONDS (10),
# OVERLOAD_BASE_RATE (2000), OVERLOAD_FACTOR (3), OVERLOAD_BURNERS (1), OVERLOAD_RECOVERY_SECONDS (5),
# OVERLOAD_MAX_IN_FLIGHT (20000), OVERLOAD_CPU_SOURCE (system | process), OVERLOAD_DRIVER (c | java; default c when gcc
# exists), OVERLOAD_ON_BUSY (wait | drop; the C driver only) and any JGOIM_OVERLOAD_* (push-api-overload),
# HISTORY (on: the embedded defaults, every room type keeps 100 messages; off: no stream keeps history, goim's
# behaviour), FANOUT_POSITIONS (1: the fanout sessions ask for positions, auth ver 3, and get op-20 pushes),
# SERVER_CONFIG (a standalone YAML passed as --config; HISTORY=off writes one), STORM_RESUME_SESSIONS (15000),
# RESUME_MISSED (100; the comet keeps a room's last 100, history 100: more are read from the store or lost),
# RESUME_WINDOW (10s), RESUME_AWAY (3s: cut to first reconnect), RESUME_PROCESSES (2), RESUME_MIDS (1: each session
# is a member and also resumes its own member stream, a store read each; default member id 0, the room only).
# LIMITS (off: every comet rate limit and ban is turned off, since the load tool opens tens of thousands of sessions
# from 127.0.0.1 a second and the scenarios measure the server, not its limits; on: the comet's defaults, e.g. to
# measure the limits' cost on vs off; a JGOIM_LIMITS_* variable set by the caller always wins).
# TENANT (a tenant name: the standalone declares it and the fanout, push-api and tenants tools run as it; tenants
# runs as "loadtest" when unset), TRACING (on: tracing enabled on every node at the default 1 % sampling, exporting
# to TRACING_ENDPOINT, default a closed local port: spans built, sampled, batched and dropped on export, counted).
# BENCH_TCP_PORT, BENCH_WS_PORT, BENCH_HTTP_PORT (3101, 3102, 3111): the standalone's ports in idle, fanout, push-api
# and tenants (another server on the shared machine holds the defaults).
# Any other JGOIM_* variable reaches the server as a config override (e.g. JGOIM_BATCH_WINDOW=500ms) and is
# recorded with the server command in the result.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCEN_DIR="$ROOT/benchmarks/scenarios"
RESULTS="$ROOT/benchmarks/results"
# shellcheck source=scenarios/lib.sh
source "$SCEN_DIR/lib.sh"
# shellcheck source=scenarios/cluster.sh
source "$SCEN_DIR/cluster.sh"
# shellcheck source=scenarios/stages.sh
source "$SCEN_DIR/stages.sh"
trap bench_cleanup EXIT
if [ "${LIMITS:-off}" = off ]; then
    export JGOIM_LIMITS_ACCEPT_RATE="${JGOIM_LIMITS_ACCEPT_RATE:-0}"
    export JGOIM_LIMITS_MAX_CONNECTIONS_PER_IP="${JGOIM_LIMITS_MAX_CONNECTIONS_PER_IP:-0}"
    export JGOIM_LIMITS_CONNECT_RATE_PER_IP="${JGOIM_LIMITS_CONNECT_RATE_PER_IP:-0}"
    export JGOIM_LIMITS_AUTH_FAILURES_PER_IP="${JGOIM_LIMITS_AUTH_FAILURES_PER_IP:-0}"
    export JGOIM_LIMITS_UPSTREAM_RATE="${JGOIM_LIMITS_UPSTREAM_RATE:-0}"
    export JGOIM_LIMITS_MIN_HEARTBEAT_INTERVAL="${JGOIM_LIMITS_MIN_HEARTBEAT_INTERVAL:-0s}"
fi
trap 'exit 130' INT TERM

usage() {
    sed -n '2,/^set -euo pipefail/{/^set -euo/!p}' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}
[ $# -ge 1 ] || usage
for s in "$@"; do
    case "$s" in
        idle | fanout | connect-storm | push-api | unicast | all | connect-storm-cluster | push-api-cluster \
            | loopback-floor | resume-storm | latency-sweep | tenants | upstream | push-api-overload) ;;
        *) echo "run.sh: unknown scenario '$s'" >&2; usage ;;
    esac
done

SESSIONS="${SESSIONS:-15000}"
CONNECT_RATE="${CONNECT_RATE:-600}"
PROFILE="${PROFILE:-1}"
WORKER_OPTS="-Xms64m -Xmx384m"

bench_select_jdk
bench_select_jar "$ROOT"
if [ "${JDK_MAJOR:-17}" -ge 24 ]; then
    WORKER_OPTS="$WORKER_OPTS --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
fi
LT=("$JAVA" "${JVM_COMMON[@]}" -Xmx256m -cp "$JAR" io.jgoim.loadtest.LoadtestMain)
mkdir -p "$RESULTS/runs"
bench_log "JDK: $JDK_VERSION; GC: $GC_NAME; jar: $JAR (commit $JAR_COMMIT)"

# run_tool DIR NAME ARGS...: one load-tool run in its own process group, output in DIR/NAME.{json,html,hlog,out}
run_tool() {
    local dir="$1" name="$2"
    shift 2
    local cmd=("${LT[@]}" "$@" --out "$dir" --name "$name")
    printf '%s\n' "${cmd[*]}" >>"$dir/commands.txt"
    bench_log "loadtest: $*"
    setsid "${cmd[@]}" >"$dir/$name.out" 2>&1 &
    TOOL_PID=$!
    BENCH_PIDS+=("$TOOL_PID")
}

wait_tool() {
    local rc=0
    wait "$TOOL_PID" || rc=$?
    tail -n 40 "$1" | grep -v '^\s*$' | tail -n 25 >&2 || true
    [ "$rc" -eq 0 ] || bench_log "load tool exited with $rc"
    return 0
}

# wait_sockets N TIMEOUT: until the server holds N established client sockets (or TIMEOUT seconds pass)
wait_sockets() {
    local n="$1" t="$2" i
    for ((i = 0; i < t * 2; i++)); do
        [ "$(bench_server_sockets)" -ge "$n" ] && return 0
        sleep 0.5
    done
    bench_log "only $(bench_server_sockets) of $n sessions after ${t}s"
    return 1
}

# begin DIR: a run directory with meta.json; start_scenario_server DIR [JVM options]
begin() {
    local scenario="$1"
    STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
    DIR="$RESULTS/runs/$scenario-$STAMP"
    mkdir -p "$DIR"
    LOAD_BEFORE="$(bench_loadavg)"
    START_EPOCH="$(date +%s)"
    : >"$DIR/commands.txt"
    bench_log "=== $scenario ($DIR), load average $LOAD_BEFORE"
}

finish() {
    local scenario="$1"
    bench_stop_server
    local out="$RESULTS/$scenario-$STAMP.json"
    python3 "$SCEN_DIR/summarize.py" "$scenario" "$DIR" "$out" \
        --jdk="$JDK_VERSION" --gc="$GC_NAME" --commit="$JAR_COMMIT" --jar="$JAR" \
        --load-before="$LOAD_BEFORE" --load-after="$(bench_loadavg)" \
        --server-cmd="$(env | grep '^JGOIM_[A-Z_]*=\|^HISTORY=\|^FANOUT_POSITIONS=\|^RESUME_\|^STORM_RESUME_' | grep -v '^JGOIM_JAR=\|^JGOIM_COMMIT=' | tr '\n' ' ')${SERVER_CMD[*]}" --seconds="$(($(date +%s) - START_EPOCH))" >&2
    bench_log "=== $scenario done in $(($(date +%s) - START_EPOCH)) s: $out"
    bench_cleanup
}

scenario_idle() {
    begin idle
    history_config "$DIR"
    bench_start_server "$DIR" -XX:NativeMemoryTracking=summary
    bench_cpu_sampler "$SERVER_PID" "$DIR/cpu.txt"
    bench_box_sampler "$DIR/box.txt"
    sleep 2
    bench_memory_snapshot "$SERVER_PID" "$DIR/mem-before.json"
    run_tool "$DIR" idle connect --sessions "$SESSIONS" --connect-rate "$CONNECT_RATE" \
        --transport "${IDLE_TRANSPORT:-mix}" \
        --source-ips 127.0.0.1-127.0.0.4 --heartbeat 30s --hold "$((50 + ${IDLE_PROFILE:-0} * 16))s" --processes 2 \
        --server-pid "$SERVER_PID" \
        --worker-jvm-opts "$WORKER_OPTS" --tcp-port "${BENCH_TCP_PORT:-3101}" --ws-port "${BENCH_WS_PORT:-3102}"
    if wait_sockets "$SESSIONS" $((SESSIONS / CONNECT_RATE + 40)); then
        sleep 4
        bench_memory_snapshot "$SERVER_PID" "$DIR/mem-held.json"
        sleep 2
        echo "$(date +%s.%N)" >"$DIR/idle-window.txt"
        bench_thread_cpu "$SERVER_PID" "$DIR/idle-threads-0.txt"
        sleep 30
        echo "$(date +%s.%N)" >>"$DIR/idle-window.txt"
        bench_thread_cpu "$SERVER_PID" "$DIR/idle-threads-1.txt"
        echo "$(bench_server_sockets)" >"$DIR/sockets-end.txt"
        # IDLE_PROFILE=1: 12 s of JFR after the measured window (the recording's own cost stays out of the figure)
        if [ "${IDLE_PROFILE:-0}" = 1 ]; then
            bench_jfr_start "$SERVER_PID"
            sleep 12
            bench_jfr_stop "$SERVER_PID" "$DIR/idle.jfr"
        fi
    fi
    wait_tool "$DIR/idle.out"
    finish idle
}

# profile_window NAME: once the room is full, 12 s of JFR in the server and in one receiving worker JVM of the tool
# (are the clients the bottleneck?), summarised into NAME.jfr.txt and NAME-receiver.jfr.txt.
profile_window() {
    [ "$PROFILE" = 1 ] || return 0
    wait_sockets "$SESSIONS" $((SESSIONS / CONNECT_RATE + 40)) || return 0
    # past the tool's 5 s --prewarm and its drain: profile the measured messages
    sleep 12
    local worker
    worker="$(pgrep -f 'LoadtestMain.*--worker-index' | head -1 || true)"
    curl -s -o "$DIR/$1-metrics-0.txt" http://127.0.0.1:${BENCH_HTTP_PORT:-3111}/metrics || true
    bench_thread_cpu "$SERVER_PID" "$DIR/$1-threads-0.txt"
    bench_jfr_start "$SERVER_PID"
    [ -n "$worker" ] && bench_jfr_start "$worker"
    sleep 12
    curl -s -o "$DIR/$1-metrics-1.txt" http://127.0.0.1:${BENCH_HTTP_PORT:-3111}/metrics || true
    bench_thread_cpu "$SERVER_PID" "$DIR/$1-threads-1.txt"
    bench_jfr_stop "$SERVER_PID" "$DIR/$1.jfr"
    [ -n "$worker" ] && bench_jfr_stop "$worker" "$DIR/$1-receiver.jfr"
    return 0
}

# HISTORY=off: a standalone config in which no stream keeps history (no positions, no appends: goim's behaviour).
# TENANT: the standalone declares that tenant; TRACING=on: every node traces at the default sampling.
history_config() {
    local logic="" trace=""
    if [ "${HISTORY:-on}" = off ]; then
        logic+='  history:\n    rooms: {"*": {size: 0, ttl: 1s}}\n    members: {size: 0, ttl: 1s}\n'
        bench_log "history off"
    fi
    if [ -n "${TENANT:-}" ]; then
        logic+="  tenants: {declared: [$TENANT]}\n"
        bench_log "tenant $TENANT declared; the load tool runs as it"
    fi
    if [ "${TRACING:-off}" = on ]; then
        trace="  tracing: {enabled: true, endpoint: \"${TRACING_ENDPOINT:-http://127.0.0.1:9/v1/traces}\"}\n"
        bench_log "tracing on (default sampling), exporting to ${TRACING_ENDPOINT:-a closed port}"
    fi
    local cports=""
    if [ "${BENCH_TCP_PORT:-3101}${BENCH_WS_PORT:-3102}${BENCH_HTTP_PORT:-3111}" != 310131023111 ]; then
        cports="  tcp: {port: ${BENCH_TCP_PORT:-3101}}\n  webSocket: {port: ${BENCH_WS_PORT:-3102}}\n"
        logic+="  http: {port: ${BENCH_HTTP_PORT:-3111}}\n"
    fi
    if [ -n "$logic$trace$cports" ]; then
        SERVER_CONFIG="$1/server-config.yaml"
        printf "comet:\n${cports}${trace}logic:\n${logic}${trace}job:\n${trace}" >"$SERVER_CONFIG"
        bench_log "server config: $SERVER_CONFIG"
    fi
}

# The load tool's tenant arguments (none for the default tenant).
tenant_args() {
    [ -n "${TENANT:-}" ] && printf '%s\n' --tenant "$TENANT"
    return 0
}

# The load tool's port arguments: sessions (room-broadcast) or HTTP only (push).
port_args() {
    [ "${1:-}" = sessions ] && printf '%s\n' --tcp-port "${BENCH_TCP_PORT:-3101}" --ws-port "${BENCH_WS_PORT:-3102}"
    printf '%s\n' --http "http://127.0.0.1:${BENCH_HTTP_PORT:-3111}"
}

scenario_fanout() {
    begin fanout
    history_config "$DIR"
    bench_start_server "$DIR"
    bench_cpu_sampler "$SERVER_PID" "$DIR/cpu.txt"
    bench_box_sampler "$DIR/box.txt"
    local common=(room-broadcast --sessions "$SESSIONS" --connect-rate "$CONNECT_RATE" --transport mix
        --source-ips 127.0.0.1-127.0.0.4 --room-type live --room-id 1000 --payload-size 64 --grace 5s --prewarm 5s
        --processes 2 --server-pid "$SERVER_PID" --worker-jvm-opts "$WORKER_OPTS")
    if [ "${FANOUT_POSITIONS:-0}" = 1 ]; then
        common+=(--positions)
    fi
    mapfile -t targs < <(tenant_args; port_args sessions)
    common+=("${targs[@]}")
    local modes=" ${FANOUT_MODES:-latency throughput} " warm="--warmup 2000"
    if [[ "$modes" == *" latency "* ]]; then
        run_tool "$DIR" latency "${common[@]}" $warm --rate "${FANOUT_LATENCY_RATE:-20}" --duration 20s
        warm=""
        profile_window latency
        wait_tool "$DIR/latency.out"
        sleep 2
    fi
    if [[ "$modes" == *" throughput "* ]]; then
        run_tool "$DIR" throughput "${common[@]}" $warm --rate "${FANOUT_TP_RATE:-200}" --duration 15s \
            --source-ips 127.0.0.5-127.0.0.8 --max-in-flight 5000
        profile_window throughput
        wait_tool "$DIR/throughput.out"
    fi
    curl -s -o "$DIR/end-metrics.txt" http://127.0.0.1:${BENCH_HTTP_PORT:-3111}/metrics || true
    finish fanout
}

# storm_ladder PID PORT_ARGS RATES [SESSIONS [REPS]]: connect-storm steps at rising offered rates against the comet
# PID. Each step is one tool run (--processes STORM_PROCESSES child JVMs) that first opens and closes STORM_WARMUP
# unmeasured sessions in every worker (their JITs), then starts the SESSIONS (STORM_SESSIONS, 12000) measured sessions
# of all workers together, holds them 2 s and closes them; the next step starts only once the comet's open files are
# back near what it held before the ladder (storm_quiesce), so a step's sessions never count against the next one's
# share of the comet's open-files cap. The tool's JSON "window" gives the achieved connects+auths/s (authenticated /
# (last auth reply - first scheduled start)) and its own and the server's CPU in that window; storm_tool_cpu samples
# the tool's processes (parent and worker JVMs) from /proc every 0.2 s beside it (NAME-toolcpu.txt), so the summary
# can give the worker JVMs' CPU in the window from outside the tool. With REPS (1) > 1 the whole ladder runs REPS
# times, ascending, then descending, then ascending again..., so drift of the machine falls on every rate alike;
# the steps are storm-RATE-rREP, every one of them runs, and the summary takes each rate's median and spread. With
# REPS 1 (storm-RATE) the ladder stops at the first step with failures or with an achieved rate below 90 % of the
# offered one (saturation); ladder.txt records which. STORM_CONTINUE=1 runs every step anyway: past saturation
# the tool's window then gives the ADMITTED rate (authenticated sessions / window) while the rest are refused, which
# is the graceful-degradation curve of issue 19 (admitted rate past saturation vs the peak). Worker JVMs run C1 only
# (see below). With PROFILE=1 every worker JVM records JFR (CPU-time samples on JDK 25) into NAME-worker-PID.jfr,
# summarised into .jfr.txt next to it; the tool's JSON also splits its CPU in the window by thread pool.
storm_ladder() {
    local pid="$1" ports="$2" rates="$3" n="${4:-${STORM_SESSIONS:-12000}}" reps="${5:-1}" ip=1 rate verdict wopts
    local retry="" rep order name limit
    [ "${STORM_RETRY:-0}" = 1 ] && retry="--retry-refused --retry-for ${STORM_RETRY_FOR:-10s}"
    : >"$DIR/ladder.txt"
    : >"$DIR/fds.txt"
    STORM_BASE_FDS="$(storm_fds "$pid")"
    limit="$(awk '/^Max open files/ { print $4 }' /proc/"$pid"/limits 2>/dev/null || echo unknown)"
    echo "comet open files before the ladder $STORM_BASE_FDS, limit $limit, measured sessions per step $n" \
        >>"$DIR/fds.txt"
    bench_log "$reps x ladder ($rates) of $n measured sessions per step; the comet holds $STORM_BASE_FDS files" \
        "(open-files limit $limit)"
    if [[ "$limit" =~ ^[0-9]+$ ]] && [ $((n + STORM_BASE_FDS + 500)) -gt "$limit" ]; then
        bench_log "WARNING: $n sessions + $STORM_BASE_FDS files are near the comet's open-files limit $limit"
    fi
    for ((rep = 1; rep <= reps; rep++)); do
        order="$rates"
        [ $((rep % 2)) = 0 ] && order="$(printf '%s\n' $rates | tac | tr '\n' ' ')"
        for rate in $order; do
            name="storm-$rate"
            [ "$reps" -gt 1 ] && name="storm-$rate-r$rep"
            sleep 2
            storm_quiesce "$pid" "$name"
            bench_thread_cpu "$pid" "$DIR/$name-threads-0.txt"
            [ -n "${LOGIC_PID:-}" ] && bench_thread_cpu "$LOGIC_PID" "$DIR/$name-logic-threads-0.txt"
            listen_drops >"$DIR/$name-listen-drops.txt"
            # C1 only: the tool's cost is kernel work (connect, socket, write), as fast in C1 code; C2 kept compiling
            # through the measured window of a warm worker and used as much CPU as its event loops
            wopts="$WORKER_OPTS -XX:TieredStopAtLevel=1"
            if [ "$PROFILE" = 1 ]; then
                wopts="$wopts -XX:StartFlightRecording=filename=$DIR/$name-worker-%p.jfr,settings=profile"
                [ "${JDK_MAJOR:-17}" -ge 25 ] && wopts="$wopts,jdk.CPUTimeSample#enabled=true,jdk.CPUTimeSample#throttle=20ms"
            fi
            # fresh source addresses for every step (the last step's ports sit in TIME_WAIT), 127.0.0.11 and up
            [ $((ip + 13)) -gt 254 ] && ip=1
            echo "$rate start $(date +%s.%N | cut -c1-14) $name" >>"$DIR/steps.txt"
            # shellcheck disable=SC2086
            run_tool "$DIR" "$name" connect --sessions "$n" --connect-rate "$rate" --transport tcp $ports \
                --source-ips "127.0.0.$((ip + 10))-127.0.0.$((ip + 13))" --hold 2s --connect-timeout 10s \
                --warmup "${STORM_WARMUP:-8000}" --processes "${STORM_PROCESSES:-2}" --server-pid "$pid" \
                --worker-jvm-opts "$wopts" $retry
            storm_tool_cpu "$TOOL_PID" "$DIR/$name-toolcpu.txt"
            ip=$((ip + 4))
            wait_tool "$DIR/$name.out"
            echo "$rate end $(date +%s.%N | cut -c1-14) $name" >>"$DIR/steps.txt"
            bench_thread_cpu "$pid" "$DIR/$name-threads-1.txt"
            listen_drops >>"$DIR/$name-listen-drops.txt"
            if [ -n "${LOGIC_PID:-}" ]; then
                bench_thread_cpu "$LOGIC_PID" "$DIR/$name-logic-threads-1.txt"
                redis-cli -p 7379 dbsize >"$DIR/$name-redis-keys.txt" 2>/dev/null || true
            fi
            [ "$PROFILE" = 1 ] && storm_worker_profiles "$name"
            verdict="$(python3 - "$DIR/$name.json" "$rate" <<'PY' 2>/dev/null || echo "no result"
import json, sys
d = json.load(open(sys.argv[1])); rate = float(sys.argv[2]); c = d["counts"]; w = d.get("window") or {}
if c.get("sessions.connected", 0) != c.get("sessions.attempted", -1) or d.get("failures"):
    print("failures")
elif w.get("perSecond", 0) < 0.9 * rate:
    print("saturated: %.0f of %.0f connects+auths/s offered" % (w.get("perSecond", 0), rate))
else:
    print("ok")
PY
)"
            echo "$rate $verdict" >>"$DIR/ladder.txt"
            bench_log "step $name connects/s: $verdict"
            if [ "$verdict" != ok ] && [ "${STORM_CONTINUE:-0}" != 1 ] && [ "$reps" = 1 ]; then
                bench_log "the ladder stops at $rate connects/s ($verdict)"
                return 0
            fi
        done
    done
    echo "end of ladder" >>"$DIR/ladder.txt"
}

# storm_fds PID: how many files PID holds open (its sockets among them)
storm_fds() {
    ls /proc/"$1"/fd 2>/dev/null | wc -l
}

# storm_quiesce PID NAME: until PID holds at most 300 files more than before the ladder (the last step's sessions
# closed on its side too), at most 20 s; "NAME files waited-seconds" into fds.txt
storm_quiesce() {
    local i f
    for ((i = 0; i < 40; i++)); do
        f="$(storm_fds "$1")"
        [ "$f" -le $((STORM_BASE_FDS + 300)) ] && break
        sleep 0.5
    done
    echo "$2 $f $((i / 2))" >>"$DIR/fds.txt"
    [ "$i" -lt 40 ] || bench_log "the comet still holds $f files before $2"
    return 0
}

# storm_tool_cpu PGID FILE: every 0.2 s "epoch busy_ticks total_ticks pid:ticks:role ..." (the machine from /proc/stat,
# then every process of the load tool's process group: run_tool starts it with setsid; role w: a worker JVM, p: the
# parent; utime + stime from /proc/PID/stat) until the group's leader exits. Outside the tool, so the tool's own CPU
# figure can be checked against it; one fork (pgrep) and a sleep per sample, the rest bash builtins.
storm_tool_cpu() {
    local g="$1" file="$2"
    (
        declare -A role
        while kill -0 "$g" 2>/dev/null; do
            read -r _ u n sy id io irq sirq st _ </proc/stat
            line="$EPOCHREALTIME $((u + n + sy + irq + sirq + st)) $((u + n + sy + id + io + irq + sirq + st))"
            for p in $(pgrep -g "$g" 2>/dev/null); do
                if [ -z "${role[$p]:-}" ]; then
                    mapfile -d '' a <"/proc/$p/cmdline" 2>/dev/null || continue
                    role[$p]=p
                    [[ " ${a[*]} " == *" --worker-index "* ]] && role[$p]=w
                fi
                read -r s <"/proc/$p/stat" 2>/dev/null || continue
                s="${s##*) }"
                read -ra f <<<"$s"
                line+=" $p:$((f[11] + f[12])):${role[$p]}"
            done
            echo "$line"
            sleep 0.2
        done
    ) >"$file" 2>/dev/null &
    BENCH_PIDS+=("$!")
}

# listen_drops: the kernel's count of connections dropped because an accept queue was full (system-wide, since
# boot; TcpExtListenDrops): a step's delta tells whether clients waited for SYN retransmits (1 s, 3 s)
listen_drops() {
    awk '/^TcpExt:/ { if (!h) { for (i = 1; i <= NF; i++) n[i] = $i; h = 1 } else { for (i = 1; i <= NF; i++)
        if (n[i] == "ListenDrops") print $i } }' /proc/net/netstat
}

# jit_ticks PID: CPU ticks of PID's JIT compiler threads so far
jit_ticks() {
    local t sum=0 v
    for t in /proc/"$1"/task/*; do
        grep -q 'CompilerThre' "$t/comm" 2>/dev/null || continue
        v="$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{print $12 + $13}')"
        sum=$((sum + ${v:-0}))
    done
    echo "$sum"
}

# wait_jit_idle PID MAX_SECONDS: until PID's JIT compiler threads used < 4 % of a core over half a second (a warm
# server: its C2 thread still used 25 % of a core in the first measured step after a short warm-up)
wait_jit_idle() {
    local before after i
    before="$(jit_ticks "$1")"
    for ((i = 0; i < $2 * 2; i++)); do
        sleep 0.5
        after="$(jit_ticks "$1")"
        if [ $((after - before)) -le 2 ]; then
            bench_log "server JIT idle after $((i / 2 + 1)) s"
            return 0
        fi
        before="$after"
    done
    bench_log "server JIT still compiling after $2 s"
}

# storm_worker_profiles NAME: summarises the workers' JFR recordings of one step (top frames by CPU time)
storm_worker_profiles() {
    local f ev=jdk.ExecutionSample
    [ "${JDK_MAJOR:-17}" -ge 25 ] && ev=jdk.CPUTimeSample
    for f in "$DIR"/"$1"-worker-*.jfr; do
        [ -s "$f" ] || continue
        "$JFR" print --events "$ev" --stack-depth 3 "$f" | python3 "$SCEN_DIR/jfr_top.py" "$ev" >"$f.txt" 2>&1 || true
    done
}

scenario_connect_storm() {
    begin connect-storm
    bench_start_server "$DIR"
    bench_cpu_sampler "$SERVER_PID" "$DIR/cpu.txt"
    bench_box_sampler "$DIR/box.txt"
    # warm the server's JIT: 20,000 connects at a moderate rate, not measured (each step warms its own tool JVMs)
    run_tool "$DIR" warm connect --sessions 10000 --connect-rate 4000 --warmup 10000 --transport tcp \
        --source-ips 127.0.0.7-127.0.0.10 --hold 1s --processes 2 --worker-jvm-opts "$WORKER_OPTS -XX:TieredStopAtLevel=1"
    wait_tool "$DIR/warm.out"
    wait_jit_idle "$SERVER_PID" 15
    [ "$PROFILE" = 1 ] && bench_jfr_start "$SERVER_PID"
    storm_ladder "$SERVER_PID" "" "${STORM_RATES:-5000 7500 10000 15000 20000 30000}" "${STORM_SESSIONS:-12000}" \
        "${STORM_REPS:-1}"
    [ "$PROFILE" = 1 ] && bench_jfr_stop "$SERVER_PID" "$DIR/storm.jfr"
    finish connect-storm
}

scenario_push_api() {
    begin push-api
    history_config "$DIR"
    mapfile -t targs < <(tenant_args; port_args)
    bench_start_server "$DIR"
    bench_cpu_sampler "$SERVER_PID" "$DIR/cpu.txt"
    bench_box_sampler "$DIR/box.txt"
    run_tool "$DIR" warm push --target room --room-type live --room-id 1000 --rate "${PUSH_WARM_RATE:-2000}" \
        --duration "${PUSH_WARM_SECONDS:-5}s" --http-connections 4 --max-in-flight 5000 "${targs[@]}"
    wait_tool "$DIR/warm.out"
    local rate
    for rate in ${PUSH_RATES:-5000 10000 20000 40000}; do
        sleep 1
        bench_thread_cpu "$SERVER_PID" "$DIR/push-$rate-threads-0.txt"
        [ -n "${PUSH_PROFILE:-}" ] && [ "$rate" = "$PUSH_PROFILE" ] && bench_jfr_start "$SERVER_PID"
        run_tool "$DIR" "push-$rate" push --target room --room-type live --room-id 1000 --rate "$rate" \
            --duration "${PUSH_SECONDS:-10}s" --http-connections 4 --max-in-flight 5000 --prewarm 3s \
            --server-pid "$SERVER_PID" "${targs[@]}"
        wait_tool "$DIR/push-$rate.out"
        [ -n "${PUSH_PROFILE:-}" ] && [ "$rate" = "$PUSH_PROFILE" ] && bench_jfr_stop "$SERVER_PID" "$DIR/push-$rate.jfr"
        bench_thread_cpu "$SERVER_PID" "$DIR/push-$rate-threads-1.txt"
    done
    finish push-api
}

# push-api-overload (issue 19): logic's adaptive shedding (BBR) on the push API against the issue's figures, in the
# cluster (logic alone in its JVM, publishing into Kafka). Not in standalone: there a push completes on the HTTP event
# loop itself (the in-process bus answers in ~10 us), so the limiter sees next to nothing in flight and does not shed
# however high the CPU; the excess waits unread in the sockets (a standalone smoke run at 3x with the CPU at 1000
# per mille: in flight 0 in every 0.5 s sample, capacity 0, 0 refusals, accepted p99 5 s). In the cluster a push is
# in flight until Kafka acknowledges it, which is the queue the limiter measures. One logic process, BBR on
# (overload.enabled) from its start, so the maximum is measured by the same JIT-warm process that then gets the
# burst, and its limiter has seen that rate (a JGOIM_OVERLOAD_* variable set by the caller wins, e.g.
# JGOIM_OVERLOAD_CPU_THRESHOLD). OVERLOAD_CPU_SOURCE (system) picks what the limiter reads: system = the machine
# (the burner counts), process = logic's own JVM (the burner does not count; logic sheds only from its own work).
# Steps:
#  1. OVERLOAD_MAX_OFFERED (30000) pushes/s for OVERLOAD_SECONDS (10), no burner, the tool holding the excess back
#     at its in-flight bound: the median accepted pushes per full second is the measured maximum (its 429s, if
#     any, are in maximumStep.refused429: the node's own CPU reached the threshold at its maximum). OVERLOAD_MAX=N
#     skips this step and takes N.
#  2. OVERLOAD_BASE_RATE (2000)/s for OVERLOAD_SECONDS: the unloaded accepted p99.
#  3. A base stream at OVERLOAD_BASE_RATE/s starts, then OVERLOAD_BURNERS (1) busy loops (pinned: on logic's CPU at
#     nice 0, each in its own session and so its own scheduler autogroup: it takes about half of logic's CPU, the
#     node is overloaded; not pinned: at nice 19 anywhere — but with kernel.sched_autogroup_enabled=1 nice counts
#     only within a session, so that burner competes at equal weight too) and a burst of OVERLOAD_FACTOR (3) x the maximum for OVERLOAD_SECONDS (at most
#     OVERLOAD_MAX_IN_FLIGHT (20000) requests pending in the tool); the base stream goes on
#     OVERLOAD_RECOVERY_SECONDS (5) after the burst: accepted/s (burst + base, full seconds after the first 2),
#     accepted p99, 429 latency, errors other than 429, and the time from the burst's end (the load drop) to the
#     last 429 of either stream. logic's overload gauges every 0.5 s in overload-gauges.txt (cpu_permille,
#     inflight, capacity, capacity_rt_seconds, shed_total).
overload_gauges() {
    # only the limiter's families (/metrics?name[]=...): the whole exposition every 0.5 s on the push API's own loop
    # was part of the load this scenario measures
    local f q=""
    for f in cpu_permille capacity carried_inflight inflight min_rt_seconds capacity_rt_seconds cooling_down \
        saturated shed_total; do
        q="$q&name%5B%5D=jgoim_logic_overload_$f"
    done
    (
        while kill -0 "$1" 2>/dev/null; do
            curl -s "http://127.0.0.1:7111/metrics?${q#&}" 2>/dev/null | grep '^jgoim_logic_overload.*push_api' \
                | sed "s/^/$(date +%s.%N) /"
            sleep 0.5
        done
    ) >>"$2" &
    BENCH_PIDS+=("$!")
}

# overload_burner SECONDS: starts OVERLOAD_BURNERS busy loops for SECONDS on OVERLOAD_BURNER_CPUS at
# OVERLOAD_BURNER_NICE; their pids in BURNERS
overload_burner() {
    local i pin=()
    BURNERS=()
    [ -n "$BURNER_CPUS" ] && pin=(taskset -c "$BURNER_CPUS")
    for ((i = 0; i < ${OVERLOAD_BURNERS:-1}; i++)); do
        setsid "${pin[@]}" nice -n "$BURNER_NICE" timeout "$1" sh -c 'while :; do :; done' &
        BURNERS+=("$!")
        BENCH_PIDS+=("$!")
        overload_autogroup "$!"
    done
}

# overload_autogroup PID...: with OVERLOAD_AUTOGROUP_NICE set, gives the scheduler autogroup of each PID (its
# session: every setsid process has its own) that nice value. With kernel.sched_autogroup_enabled=1, nice works only
# within a session, so another session's `nice -n 19` build competes with logic (and the burner) at equal weight;
# a negative value here makes such builds on a shared box yield to the scenario as nice 19 means them to. The burner
# gets the same value as logic: it still competes at equal standing.
overload_autogroup() {
    [ -n "${OVERLOAD_AUTOGROUP_NICE:-}" ] || return 0
    local p
    for p in "$@"; do
        echo "$OVERLOAD_AUTOGROUP_NICE" >"/proc/$p/autogroup" 2>/dev/null \
            || bench_log "could not set the autogroup nice of $p"
    done
}

# overload_tool DIR NAME ARGS...: one push-api-overload step with the scenario's driver (OVERLOAD_DRIVER): the JVM
# load tool (run_tool) or push_flood, which takes the same arguments (those of `loadtest push`) and writes the same
# DIR/NAME.json; either way the driver's CPU is sampled from /proc into DIR/driver-cpu-NAME.txt
overload_tool() {
    local dir="$1" name="$2"
    if [ "$OVERLOAD_DRIVER_SEL" = c ]; then
        shift 2
        local cmd=("$dir/push_flood" "$@" --on-busy "${OVERLOAD_ON_BUSY:-wait}" --out "$dir" --name "$name")
        printf '%s\n' "${cmd[*]}" >>"$dir/commands.txt"
        bench_log "push_flood: $*"
        setsid "${cmd[@]}" >"$dir/$name.out" 2>&1 &
        TOOL_PID=$!
        BENCH_PIDS+=("$TOOL_PID")
    else
        run_tool "$@"
    fi
    bench_cpu_sampler "$TOOL_PID" "$dir/driver-cpu-$name.txt"
}

scenario_push_api_overload() {
    local pin="${OVERLOAD_PIN:-}" ncpu
    BURNERS=()
    ncpu="$(nproc)"
    if [ -z "$pin" ]; then
        pin=0
        command -v taskset >/dev/null && [ "$ncpu" -ge 2 ] && pin=1
    fi
    local logic_cpu="${OVERLOAD_LOGIC_CPU:-$((ncpu - 1))}" others="${OVERLOAD_OTHER_CPUS:-0-$((ncpu - 2))}"
    local source="${OVERLOAD_CPU_SOURCE:-${JGOIM_OVERLOAD_CPU_SOURCE:-system}}"
    case "$source" in
        process | system) ;;
        *) echo "OVERLOAD_CPU_SOURCE must be process or system, was '$source'" >&2; return 1 ;;
    esac
    OVERLOAD_DRIVER_SEL="${OVERLOAD_DRIVER:-}"
    if [ -z "$OVERLOAD_DRIVER_SEL" ]; then
        OVERLOAD_DRIVER_SEL=java
        command -v gcc >/dev/null && OVERLOAD_DRIVER_SEL=c
    fi
    case "$OVERLOAD_DRIVER_SEL" in
        c) command -v gcc >/dev/null || { echo "OVERLOAD_DRIVER=c needs gcc (apt-get install gcc)" >&2; return 1; } ;;
        java) ;;
        *) echo "OVERLOAD_DRIVER must be c or java, was '$OVERLOAD_DRIVER_SEL'" >&2; return 1 ;;
    esac
    begin push-api-overload
    if [ "$OVERLOAD_DRIVER_SEL" = c ]; then
        gcc -O2 -Wall -Wextra -o "$DIR/push_flood" "$SCEN_DIR/push_flood.c"
    fi
    echo "$OVERLOAD_DRIVER_SEL" >"$DIR/driver.txt"
    bench_log "driver of every step: $OVERLOAD_DRIVER_SEL"
    BURNER_CPUS="" BURNER_NICE="${OVERLOAD_BURNER_NICE:-19}"
    if [ "$pin" = 1 ]; then
        # logic alone on its CPU, everything else (this shell and so the load tool, samplers, burner unless told
        # otherwise; redis, Kafka, comet through cluster.sh) on the others; the burner competes with logic on its CPU
        # at nice 0 (a busy loop of equal standing: the node is overloaded, not merely observed)
        taskset -p -c "$others" $$ >/dev/null
        export CLUSTER_PIN_LOGIC="$logic_cpu" CLUSTER_PIN_OTHERS="$others"
        BURNER_CPUS="${OVERLOAD_BURNER_CPUS:-$logic_cpu}" BURNER_NICE="${OVERLOAD_BURNER_NICE:-0}"
        printf 'logic %s; others %s; burner %s at nice %s; max step with burner %s\n' "$logic_cpu" "$others" \
            "$BURNER_CPUS" "$BURNER_NICE" "${OVERLOAD_MAX_BURNER:-0}" >"$DIR/pin.txt"
    else
        BURNER_CPUS="${OVERLOAD_BURNER_CPUS:-}"
        printf 'not pinned; burner %s at nice %s; max step with burner %s\n' "${BURNER_CPUS:-any CPU}" \
            "$BURNER_NICE" "${OVERLOAD_MAX_BURNER:-0}" >"$DIR/pin.txt"
    fi
    bench_log "pinning: $(cat "$DIR/pin.txt")"
    # a pool of connections, one request each at a time (OVERLOAD_HTTP_DEPTH 1), as a business service's HTTP client
    # keeps: pipelined on a few connections, a fast 429 waits behind the slow acceptances before it on its connection
    # (HTTP/1.1 answers in order), so the tool cannot see the refusal's own latency nor keep offering the burst
    local push=(push --http http://127.0.0.1:7111 --target room --room-type live --room-id 1000
        --http-connections "${OVERLOAD_HTTP_CONNECTIONS:-200}" --http-depth "${OVERLOAD_HTTP_DEPTH:-1}")
    local base="${OVERLOAD_BASE_RATE:-2000}" secs="${OVERLOAD_SECONDS:-10}" max="${OVERLOAD_MAX:-}" i
    export JGOIM_OVERLOAD_ENABLED=true
    export JGOIM_OVERLOAD_CPU_SOURCE="$source"
    # the base stream's and the burst's pools come from one address: above logic's default 256 per address, and
    # above both pools together (two pools of 1,000 against a cap of 1,024 measured the cap's refusals instead)
    local pool_cap=$((2 * ${OVERLOAD_HTTP_CONNECTIONS:-200} + 64))
    [ "$pool_cap" -lt 1024 ] && pool_cap=1024
    export JGOIM_HTTP_MAX_CONNECTIONS_PER_IP="${JGOIM_HTTP_MAX_CONNECTIONS_PER_IP:-$pool_cap}"
    echo "$source" >"$DIR/cpu-source.txt"
    start_cluster logic
    overload_autogroup "$REDIS_PID" "$KAFKA_PID" "$LOGIC_PID" "$COMET_PID"
    cat /proc/sys/kernel/sched_autogroup_enabled >"$DIR/autogroup.txt" 2>/dev/null || true
    echo "autogroup nice ${OVERLOAD_AUTOGROUP_NICE:-unset}" >>"$DIR/autogroup.txt"
    bench_cpu_sampler "$LOGIC_PID" "$DIR/cpu-logic-bbr.txt"
    overload_gauges "$LOGIC_PID" "$DIR/overload-gauges.txt"
    if [ -z "$max" ]; then
        # the C driver warms logic at 10,000/s for 30 s (a 5-s warm-up at the base rate left the maximum step
        # measuring a cold logic: 5,655-7,232/s, then 15,413/s after 30 s at 10,000/s); the JVM tool cannot offer
        # that and keeps its old warm-up
        local warm_rate="$base" warm_secs=5
        [ "$OVERLOAD_DRIVER_SEL" = c ] && warm_rate=10000 warm_secs=30
        overload_tool "$DIR" warm-max "${push[@]}" --rate "${OVERLOAD_WARM_MAX_RATE:-$warm_rate}" \
            --duration "${OVERLOAD_WARM_MAX_SECONDS:-$warm_secs}s" --max-in-flight 5000
        overload_autogroup "$TOOL_PID"
        wait_tool "$DIR/warm-max.out"
        # the threads logic started, by name (pools sized from availableProcessors: one CPU when pinned)
        for i in /proc/"$LOGIC_PID"/task/*/comm; do cat "$i"; done 2>/dev/null | sed 's/[-#]*[0-9]*$//' | sort \
            | uniq -c | sort -rn >"$DIR/logic-threads.txt"
        taskset -p "$LOGIC_PID" >>"$DIR/pin.txt" 2>&1 || true
        if [ "${OVERLOAD_MAX_BURNER:-0}" = 1 ]; then
            overload_burner "$((secs + 5))"
        fi
        overload_tool "$DIR" max "${push[@]}" --rate "${OVERLOAD_MAX_OFFERED:-30000}" --duration "${secs}s" \
            --max-in-flight 5000 --prewarm 3s --server-pid "$LOGIC_PID"
        overload_autogroup "$TOOL_PID"
        wait_tool "$DIR/max.out"
        for i in "${BURNERS[@]}"; do kill "$i" 2>/dev/null || true; done
        max="$(cd "$SCEN_DIR" && python3 -c 'import sys, summarize; print(summarize.steady_accepted_per_second(sys.argv[1]) or 0)' "$DIR/max.json")"
    fi
    echo "$max" >"$DIR/max-rate.txt"
    bench_log "maximum: $max accepted pushes/s (BBR on, cpuSource $source, burner ${OVERLOAD_MAX_BURNER:-0});" \
        "the burst offers ${OVERLOAD_FACTOR:-3} x that"
    [ "${max%.*}" -gt 0 ] || { bench_log "no maximum measured: stopping"; finish push-api-overload; return 0; }
    sleep 2
    overload_tool "$DIR" warm "${push[@]}" --rate "$base" --duration 5s --max-in-flight 5000
    overload_autogroup "$TOOL_PID"
    wait_tool "$DIR/warm.out"
    overload_tool "$DIR" unloaded "${push[@]}" --rate "$base" --duration "${secs}s" --max-in-flight 5000 \
        --prewarm 3s --server-pid "$LOGIC_PID"
    overload_autogroup "$TOOL_PID"
    wait_tool "$DIR/unloaded.out"
    sleep 2
    local rec="${OVERLOAD_RECOVERY_SECONDS:-5}" base_pid b0
    # the base stream: 3 s alone (its JVM starts), ~2 s of the burst's JVM start, the burst, the recovery
    overload_tool "$DIR" base "${push[@]}" --rate "$base" \
        --duration "$((secs + rec + 5 + ${OVERLOAD_BURST_PREWARM:-0}))s" --prewarm "${OVERLOAD_BURST_PREWARM:-0}s" \
        --max-in-flight 5000
    overload_autogroup "$TOOL_PID"
    base_pid="$TOOL_PID"
    sleep 3
    b0="$(date +%s%3N)"
    [ "${OVERLOAD_PROFILE:-0}" = 1 ] && bench_jfr_start "$LOGIC_PID"
    # busy loops for the burst (the tool's JVM takes about a second to start its schedule)
    # OVERLOAD_BURST_PREWARM (0): seconds of the burst the tool sends unmeasured first (its JVM, started cold on a
    # busy CPU, otherwise runs seconds behind its schedule and its latencies are its own lag)
    local bpre="${OVERLOAD_BURST_PREWARM:-0}"
    overload_burner "$((secs + bpre + 1))"
    overload_tool "$DIR" burst "${push[@]}" --rate "$(python3 -c "print(round(${OVERLOAD_FACTOR:-3} * $max))")" \
        --duration "${secs}s" --prewarm "${bpre}s" --max-in-flight "${OVERLOAD_MAX_IN_FLIGHT:-20000}" \
        --server-pid "$LOGIC_PID"
    overload_autogroup "$TOOL_PID"
    for i in "${BURNERS[@]}"; do wait "$i" 2>/dev/null || true; done
    echo "$b0 $(date +%s%3N) ${OVERLOAD_BURNERS:-1}" >"$DIR/burner.txt"
    wait_tool "$DIR/burst.out"
    [ "${OVERLOAD_PROFILE:-0}" = 1 ] && bench_jfr_stop "$LOGIC_PID" "$DIR/logic-burst.jfr"
    TOOL_PID="$base_pid"
    wait_tool "$DIR/base.out"
    curl -s -o "$DIR/logic-metrics.txt" http://127.0.0.1:7111/metrics || true
    finish push-api-overload
    # a scenario after this one gets every CPU again
    [ "$pin" = 1 ] && taskset -p -c "0-$((ncpu - 1))" $$ >/dev/null
    unset CLUSTER_PIN_LOGIC CLUSTER_PIN_OTHERS
    return 0
}

scenario_unicast() {
    begin unicast
    bench_start_server "$DIR"
    bench_cpu_sampler "$SERVER_PID" "$DIR/cpu.txt"
    bench_box_sampler "$DIR/box.txt"
    local cmd=("$JAVA" "${JVM_COMMON[@]}" -Xmx512m -cp "$JAR" "$SCEN_DIR/Unicast.java"
        "${UNICAST_SESSIONS:-1000}" "${UNICAST_RATE:-500}" 25 "$DIR/unicast.json")
    printf '%s\n' "${cmd[*]}" >>"$DIR/commands.txt"
    bench_log "unicast: ${cmd[*]}"
    setsid "${cmd[@]}" >"$DIR/unicast.out" 2>&1 &
    TOOL_PID=$!
    BENCH_PIDS+=("$TOOL_PID")
    wait_tool "$DIR/unicast.out"
    finish unicast
}

# start_cluster PRIMARY: the cluster with run.sh's JDK, GC flags and jar; per-role GC logs, /proc CPU samplers of
# every role (cpu-<role>.txt) and of PRIMARY (comet or logic: cpu.txt, gc.log, the "server" of the summary).
start_cluster() {
    local primary="$1" role
    CLUSTER_JAR="$JAR" CLUSTER_JAVA="$JAVA" CLUSTER_KAFKA_JAVA="$JAVA"
    CLUSTER_JVM_OPTS="${JVM_COMMON[*]} ${SERVER_GC[*]} ${SERVER_OPTS:-}"
    CLUSTER_LOGIC_OPTS="-Xmx${SERVER_XMX:-1g} -Xlog:gc*,safepoint:file=$DIR/gc-logic.log:utctime,uptime,level,tags"
    CLUSTER_COMET_OPTS="-Xmx${SERVER_XMX:-1g} -Xlog:gc*,safepoint:file=$DIR/gc-comet.log:utctime,uptime,level,tags"
    local rc=0
    cluster_start "$DIR" || rc=$?
    BENCH_PIDS+=("${CLUSTER_PIDS[@]}")
    [ "$rc" -eq 0 ] || { echo "run.sh: the cluster did not start (see $DIR/*.log)" >&2; exit 4; }
    ln -sf "gc-$primary.log" "$DIR/gc.log"
    SERVER_PID="$COMET_PID"
    [ "$primary" = logic ] && SERVER_PID="$LOGIC_PID"
    SERVER_CMD=("$(cat "$DIR/logic.cmd")" "; " "$(cat "$DIR/comet.cmd")" "; redis-server 7.x and io.jgoim.testkit.KafkaMain (scenarios/cluster.sh)")
    bench_log "cluster: redis $REDIS_PID, kafka $KAFKA_PID ($CLUSTER_BOOTSTRAP), logic $LOGIC_PID, comet $COMET_PID"
    bench_cpu_sampler "$SERVER_PID" "$DIR/cpu.txt"
    for role in redis kafka logic comet; do
        local v="${role^^}_PID"
        bench_cpu_sampler "${!v}" "$DIR/cpu-$role.txt"
    done
    bench_box_sampler "$DIR/box.txt"
}

# cluster_connect_scraper FILE: the connect path's metrics of comet (admin 7105) and logic (7111) every 0.5 s, each
# line "epoch role metric value" (the comet's adaptive bound, its refusals at the bound, its closes by reason, the
# throttle's refusals, logic's expired Connects, BBR refusals and its session-route write queue), as
# benchmarks/connect-path.sh scrapes them; the ladder's steps.txt gives each step's start and end, so a step's deltas
# and the bound's range can be read off.
cluster_connect_scraper() {
    local file="$1"
    ( set +e +o pipefail
      while true; do
        t=$(date +%s.%N | cut -c1-14)
        curl -s -m 1 http://127.0.0.1:7105/metrics \
            | grep -E '^jgoim_comet_(connects|auth|closes|limit_refusals)|overload|throttle' | grep -v '^#' \
            | sed "s/^/$t comet /"
        curl -s -m 1 http://127.0.0.1:7111/metrics \
            | grep -E 'connects_expired|sessions_(connected|disconnected)_total|sessions_writes|overload|refused|shed' \
            | grep -v '^#' | sed "s/^/$t logic /"
        sleep 0.5
      done ) >"$file" 2>&1 &
    BENCH_PIDS+=("$!")
}

scenario_connect_storm_cluster() {
    begin connect-storm-cluster
    start_cluster comet
    # Two warm-up rounds, then both servers' JIT idle: with one round logic's C2 was still compiling through the
    # 1,000 and 2,000 steps (5 and 2.6 s of C2 CPU in them), and the 2,000 step refused thousands in both arms of the
    # connectWait A/B (BENCHMARKS.md, "the connect path waits for a place").
    local round
    for round in warm warm2; do
        run_tool "$DIR" "$round" connect --sessions 10000 --connect-rate 4000 --warmup 10000 --transport tcp \
            --tcp-port 7101 --source-ips 127.0.0.7-127.0.0.10 --hold 1s --processes 2 \
            --worker-jvm-opts "$WORKER_OPTS -XX:TieredStopAtLevel=1"
        wait_tool "$DIR/$round.out"
    done
    wait_jit_idle "$COMET_PID" 15
    wait_jit_idle "$LOGIC_PID" 15
    cluster_connect_scraper "$DIR/metrics.txt"
    # every step runs (past saturation too: issue 19's curve), each rate CLUSTER_STORM_REPS times in alternating order
    storm_ladder "$COMET_PID" "--tcp-port 7101" "${CLUSTER_STORM_RATES:-2000 5000 7500 10000 15000 25000}" \
        "${CLUSTER_STORM_SESSIONS:-16000}" "${CLUSTER_STORM_REPS:-3}"
    finish connect-storm-cluster
    # issue 19's criterion, one line per offered rate (figures.gracefulDegradation.rates of the result)
    python3 - "$RESULTS/connect-storm-cluster-$STAMP.json" <<'PY' | while read -r line; do bench_log "$line"; done
import json, sys
g = json.load(open(sys.argv[1]))["figures"].get("gracefulDegradation")
if g:
    rate = lambda r: "%.0f/s" % r if r else "no rate of the ladder"
    print("admitted/s peak (median) %s at %s offered; server saturated at %s offered; the tool ran out of CPU at %s "
          "(%s); verdict %s; largest spread %s %% of the median" % (
              g["peakAdmittedPerSecond"], rate(g["peakAtRate"]), rate(g["serverSaturatedAtRate"]),
              rate(g["toolSaturatedAtRate"]), g["toolSaturationRule"], g["verdict"],
              g["largestSpreadPercentOfMedian"]))
    for r in g["rates"]:
        print("%.0f/s offered x %d: admitted/s median %s (%s..%s, spread %s %%) = %.0f %% of peak; admitted of offered "
              "%.1f %% (worst rep %.1f %%); the tool offered at least %s/s, start lag p50 %s ms, its worker JVMs %s %% "
              "of a core (/proc), machine %s %% busy: %s" % (
                  r["rateRequested"], r["repetitions"], r["admittedPerSecondMedian"], r["admittedPerSecondMin"],
                  r["admittedPerSecondMax"], r["spreadPercentOfMedian"], 100 * r["ratioToPeak"],
                  100 * r["admittedOfOffered"], 100 * r["admittedOfOfferedWorstRepetition"],
                  r["toolOfferedAtLeastPerSecondMedian"], r["toolStartLagP50MsMedian"],
                  r["toolWorkerJvmsPercentOfOneCoreMedian"],
                  r["machineBusyPercentMedian"], r["verdict"]))
PY
}

scenario_push_api_cluster() {
    begin push-api-cluster
    start_cluster logic
    run_tool "$DIR" warm push --http http://127.0.0.1:7111 --target room --room-type live --room-id 1000 \
        --rate 2000 --duration 5s --http-connections 4 --max-in-flight 5000
    wait_tool "$DIR/warm.out"
    local rate
    for rate in ${CLUSTER_PUSH_RATES:-5000 10000}; do
        sleep 1
        bench_thread_cpu "$LOGIC_PID" "$DIR/push-$rate-threads-0.txt"
        run_tool "$DIR" "push-$rate" push --http http://127.0.0.1:7111 --target room --room-type live --room-id 1000 \
            --rate "$rate" --duration "${CLUSTER_PUSH_SECONDS:-15}s" --http-connections 4 --max-in-flight 5000 \
            --prewarm 3s --server-pid "$LOGIC_PID"
        wait_tool "$DIR/push-$rate.out"
        bench_thread_cpu "$LOGIC_PID" "$DIR/push-$rate-threads-1.txt"
    done
    curl -s -o "$DIR/logic-metrics.txt" http://127.0.0.1:7111/metrics || true
    finish push-api-cluster
}

# The resume storm (issue 13): the tool's parent publishes (seed, then the missed messages while the sessions are
# away) and reads the comet's jgoim_comet_history_reads_total from /metrics before the cut and after the recoveries;
# its workers (RESUME_PROCESSES, 127.0.0.x source addresses as in fanout) hold the sessions, cut them, and time
# each reconnect (SDK backoff set to the session's slot in the window) until its last missed message.
scenario_resume_storm() {
    begin resume-storm
    history_config "$DIR"
    bench_start_server "$DIR"
    bench_cpu_sampler "$SERVER_PID" "$DIR/cpu.txt"
    bench_box_sampler "$DIR/box.txt"
    local args=(resume-storm --sessions "${STORM_RESUME_SESSIONS:-15000}" --connect-rate "$CONNECT_RATE"
        --transport mix --source-ips 127.0.0.1-127.0.0.4 --room-type live --room-id 1000 --payload-size 64
        --rate 1000 --seed-messages 5 --missed "${RESUME_MISSED:-100}" --away "${RESUME_AWAY:-3s}"
        --window "${RESUME_WINDOW:-10s}" --grace 30s --processes "${RESUME_PROCESSES:-2}"
        --server-pid "$SERVER_PID" --worker-jvm-opts "$WORKER_OPTS")
    if [ "${RESUME_MIDS:-0}" = 1 ]; then
        args+=(--member-streams)
    fi
    curl -s -o "$DIR/start-metrics.txt" http://127.0.0.1:${BENCH_HTTP_PORT:-3111}/metrics || true
    run_tool "$DIR" storm "${args[@]}"
    wait_tool "$DIR/storm.out"
    curl -s -o "$DIR/end-metrics.txt" http://127.0.0.1:${BENCH_HTTP_PORT:-3111}/metrics || true
    finish resume-storm
}

# tenants: one standalone with the load-test tenant declared; rounds of (production alone, production + load-test
# tenant) so both conditions see the same machine drift. The production run is the measured one (latency-*.json);
# the load-test tenant's run (load-*.json) starts first, in the same room name, and outlasts it.
scenario_tenants() {
    begin tenants
    TENANT="${TENANT:-loadtest}" history_config "$DIR"
    bench_start_server "$DIR"
    bench_cpu_sampler "$SERVER_PID" "$DIR/cpu.txt"
    bench_box_sampler "$DIR/box.txt"
    local n="${TENANT_SESSIONS:-2000}" rep load_pid
    mapfile -t pargs < <(port_args sessions)
    local prod=(room-broadcast --sessions "$n" --connect-rate "$CONNECT_RATE" --transport tcp
        --source-ips 127.0.0.1-127.0.0.2 --room-type live --room-id 1000 --payload-size 64 --grace 5s --prewarm 3s
        --rate "${TENANT_PROD_RATE:-20}" --duration 20s --server-pid "$SERVER_PID" "${pargs[@]}")
    local load=(room-broadcast --sessions "$n" --connect-rate "$CONNECT_RATE" --transport tcp
        --source-ips 127.0.0.3-127.0.0.4 --room-type live --room-id 1000 --payload-size 64 --grace 5s --prewarm 3s
        --rate "${TENANT_LOAD_RATE:-200}" --duration 40s --max-in-flight 5000 --tenant "${TENANT:-loadtest}"
        "${pargs[@]}")
    for ((rep = 1; rep <= ${TENANT_REPS:-2}; rep++)); do
        run_tool "$DIR" "alone-$rep" "${prod[@]}"
        wait_tool "$DIR/alone-$rep.out"
        sleep 2
        run_tool "$DIR" "load-$rep" "${load[@]}"
        load_pid="$TOOL_PID"
        sleep $((n / CONNECT_RATE + 8)) # the load-test tenant's sessions are in and pushing
        run_tool "$DIR" "mixed-$rep" "${prod[@]}"
        wait_tool "$DIR/mixed-$rep.out"
        TOOL_PID="$load_pid"
        wait_tool "$DIR/load-$rep.out"
        sleep 2
    done
    curl -s -o "$DIR/end-metrics.txt" http://127.0.0.1:${BENCH_HTTP_PORT:-3111}/metrics || true
    finish tenants
}

scenario_loopback_floor() {
    begin loopback-floor
    local bin="$DIR/loopback_floor" cfg
    command -v gcc >/dev/null || { echo "run.sh: loopback-floor needs gcc (apt-get install gcc)" >&2; exit 2; }
    gcc -O2 -Wall -o "$bin" "$SCEN_DIR/loopback_floor.c"
    : >"$DIR/floor.jsonl"
    # sockets passes bytes-per-write reader-nap-us: 80 B = one 64-byte push in a goim frame; 400 B = a batch of 5;
    # a reader that naps 2 ms finds many sockets ready per wake-up (a busy client process)
    for cfg in "5000 20 80 0" "5000 20 400 0" "5000 20 80 2000"; do
        printf '%s\n' "$bin $cfg" >>"$DIR/commands.txt"
        bench_log "loopback_floor $cfg"
        (ulimit -n 20000 2>/dev/null || true; "$bin" $cfg 9555) >>"$DIR/floor.jsonl"
        sleep 1
    done
    if command -v perf >/dev/null && perf record -q -e cpu-clock -F 2999 -g -o "$DIR/floor.perf" -- true \
            >/dev/null 2>&1; then
        (ulimit -n 20000 2>/dev/null || true
            perf record -q -e cpu-clock -F 2999 -g -o "$DIR/floor.perf" -- "$bin" 5000 20 80 0 9556) >/dev/null 2>&1
        perf report -i "$DIR/floor.perf" --no-children --sort sym --stdio -g none 2>/dev/null \
            | grep '%' | head -n 30 >"$DIR/floor-perf.txt" || true
        bench_log "kernel profile (writer and reader together): $DIR/floor-perf.txt"
        head -n 12 "$DIR/floor-perf.txt" >&2 || true
    else
        bench_log "perf does not run here: no kernel profile"
    fi
    finish loopback-floor
}

# sweep_floor_us: the kernel's CPU per loopback write + read (80 B), from a quick run here (gcc), else the newest
# loopback-floor result. Measured each time: the floor is the host's (a VM moved to another host kind measured 3.6 µs
# per write where the older file says 9.7), so a stored figure can belong to another machine.
sweep_floor_us() {
    local f
    f="$(ls -t "$RESULTS"/loopback-floor-*.json 2>/dev/null | head -1 || true)"
    if [ -n "$f" ] && ! command -v gcc >/dev/null; then
        python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["figures"]["derived"]["writerPlusReaderCpuUsPerDelivery80B"])' "$f" \
            && echo "$f" >"$DIR/floor-source.txt" && return 0
    fi
    command -v gcc >/dev/null || { echo 13.5; echo "assumed 13.5 us (no gcc, no loopback-floor result)" >"$DIR/floor-source.txt"; return 0; }
    gcc -O2 -Wall -o "$DIR/loopback_floor" "$SCEN_DIR/loopback_floor.c"
    (ulimit -n 20000 2>/dev/null || true; "$DIR/loopback_floor" 5000 20 80 0 9557) >"$DIR/floor.jsonl"
    echo "quick run: $DIR/loopback_floor 5000 20 80 0" >"$DIR/floor-source.txt"
    python3 -c 'import json,sys; r=json.loads(open(sys.argv[1]).readline()); print(r["writerCpuUsPerWrite"]+r["readerCpuUsPerWrite"])' "$DIR/floor.jsonl"
}

# sweep_profile CELL SESSIONS: per-thread server CPU over 10 s in the middle of the cell's measured window (past the
# tool's start, connects and 5 s --prewarm), with SWEEP_PROFILE=1 a JFR recording of the same 10 s (CELL.jfr[.txt]),
# with SWEEP_PROFILE=perf a perf profile of the server's threads, kernel included (CELL.perf[.txt]).
sweep_profile() {
    sleep $(($2 / CONNECT_RATE + 7 + ${SWEEP_SECONDS:-20} / 2))
    kill -0 "$TOOL_PID" 2>/dev/null || return 0
    bench_thread_cpu "$SERVER_PID" "$DIR/$1-threads-0.txt"
    [ "${SWEEP_PROFILE:-0}" = 1 ] && bench_jfr_start "$SERVER_PID"
    if [ "${SWEEP_PROFILE:-0}" = perf ]; then
        # the load tool's worker JVMs too: on two shared cores their receive path sets how long a pass waits for CPU
        local w perfs=()
        # (with --processes 1 the tool receives in its own JVM: no workers, the tool itself is profiled)
        for w in $(pgrep -f 'LoadtestMain.*--worker-index' || echo "$TOOL_PID"); do
            bench_perf "$w" 10 "$DIR/$1-worker-$w.perf" &
            perfs+=("$!")
        done
        bench_perf "$SERVER_PID" 10 "$DIR/$1.perf"
        [ "${#perfs[@]}" -eq 0 ] || wait "${perfs[@]}" 2>/dev/null || true
    else sleep 10; fi
    bench_thread_cpu "$SERVER_PID" "$DIR/$1-threads-1.txt"
    [ "${SWEEP_PROFILE:-0}" = 1 ] && bench_jfr_stop "$SERVER_PID" "$DIR/$1.jfr"
    return 0
}

# sweep_warmup SESSIONS: before a fresh server's measured cells, one unmeasured cell per transport of the sweep
# (SWEEP_WARMUP_SECONDS, 30; 0 turns it off) at SWEEP_WARMUP_RATE (20) msgs/s with the same sessions, so the first
# measured cell (2 msgs/s) does not pay the JIT's compilations of the push path (nor of the /metrics scrapes the
# measured cells take once a second: the warm-up scrapes too); its outputs are warmup-* files,
# which the summary does not read.
sweep_warmup() {
    [ "${SWEEP_WARMUP_SECONDS:-30}" -gt 0 ] || return 0
    local t name burst=(${SWEEP_WARMUP_BURST:-500 10})
    # First the push path's burst (SWEEP_WARMUP_BURST "500 10": pushes/s and seconds into a room of 100 sessions of
    # its own; "0" turns it off), as cluster-e2e.sh gives the cluster (BURST_PREWARM): a few thousand pushes bring the
    # per-push code to C2 before any measured cell, so the two modes compare warmed alike.
    if [ "${burst[0]}" -gt 0 ]; then
        name="warmup-burst-s$1"
        run_tool "$DIR" "$name" room-broadcast --sessions 100 --connect-rate 1000 --transport tcp \
            --source-ips 127.0.0.1-127.0.0.4 --room-type live --room-id 1001 --payload-size 64 --grace 3s \
            --processes 1 --threads 1 --server-pid "$SERVER_PID" --worker-jvm-opts "$WORKER_OPTS" \
            --rate "${burst[0]}" --duration "${burst[1]}s"
        wait_tool "$DIR/$name.out"
        sleep 2
    fi
    for t in ${SWEEP_TRANSPORTS:-tcp ws}; do
        name="warmup-s$1-$t"
        echo "$name $(date +%s) $(bench_loadavg)" >>"$DIR/cells.txt"
        # the measured cells scrape /metrics once a second: warm that path too, so its JIT is not in the first cell
        stages_start "$DIR/scrapes-$name" "standalone=http://127.0.0.1:${BENCH_HTTP_PORT:-3111}/metrics=$SERVER_PID"
        run_tool "$DIR" "$name" room-broadcast --sessions "$1" --connect-rate "$CONNECT_RATE" --transport "$t" \
            --source-ips 127.0.0.1-127.0.0.4 --room-type live --room-id 1000 --payload-size 64 --grace 5s \
            --prewarm 5s --warmup 500 --processes "${SWEEP_PROCESSES:-1}" --threads "${SWEEP_TOOL_THREADS:-1}" \
            --server-pid "$SERVER_PID" --worker-jvm-opts "$WORKER_OPTS" \
            --rate "${SWEEP_WARMUP_RATE:-20}" --duration "${SWEEP_WARMUP_SECONDS:-30}s"
        wait_tool "$DIR/$name.out"
        stages_stop
        rm -rf "$DIR/scrapes-$name" 2>/dev/null || true
        echo "$name-end $(date +%s) $(bench_loadavg)" >>"$DIR/cells.txt"
        sleep 2
    done
}

scenario_latency_sweep() {
    begin latency-sweep
    history_config "$DIR"
    sweep_floor_us >"$DIR/floor-us.txt"
    bench_log "floor: $(cat "$DIR/floor-us.txt") us of CPU per loopback write + read ($(cat "$DIR/floor-source.txt"))"
    local n t r name
    bench_box_sampler "$DIR/box.txt"
    for n in ${SWEEP_SESSIONS:-1000 5000 15000}; do
        bench_start_server "$DIR"
        bench_cpu_sampler "$SERVER_PID" "$DIR/cpu-s$n.txt"
        sweep_warmup "$n"
        for t in ${SWEEP_TRANSPORTS:-tcp ws}; do
            for r in ${SWEEP_RATES:-2 20 100 200}; do
                name="s$n-$t-r$r"
                echo "$name $(date +%s) $(bench_loadavg)" >>"$DIR/cells.txt"
                curl -s -o "$DIR/$name-metrics-before.txt" http://127.0.0.1:${BENCH_HTTP_PORT:-3111}/metrics || true
                # the per-stage table of the cell (issue 17), as benchmarks/cluster-e2e.sh prints for the cluster
                stages_start "$DIR/scrapes-$name" "standalone=http://127.0.0.1:${BENCH_HTTP_PORT:-3111}/metrics=$SERVER_PID"
                run_tool "$DIR" "$name" room-broadcast --sessions "$n" --connect-rate "$CONNECT_RATE" --transport "$t" \
                    --source-ips 127.0.0.1-127.0.0.4 --room-type live --room-id 1000 --payload-size 64 --grace 5s \
                    --prewarm 5s --warmup 500 --processes "${SWEEP_PROCESSES:-1}" --threads "${SWEEP_TOOL_THREADS:-1}" \
                    --server-pid "$SERVER_PID" --worker-jvm-opts "$WORKER_OPTS" \
                    --rate "$r" --duration "${SWEEP_SECONDS:-20}s"
                sweep_profile "$name" "$n"
                wait_tool "$DIR/$name.out"
                stages_finish "$DIR/scrapes-$name" "$DIR/$name.json" "$DIR/stages-$name" >/dev/null
                curl -s -o "$DIR/$name-metrics-after.txt" http://127.0.0.1:${BENCH_HTTP_PORT:-3111}/metrics || true
                echo "$name-end $(date +%s) $(bench_loadavg)" >>"$DIR/cells.txt"
                sleep 2
            done
        done
        bench_stop_server
        sleep 2
    done
    finish latency-sweep
}

scenario_upstream() {
    begin upstream
    local r
    SERVER_CMD=("$JAVA" "${JVM_COMMON[@]}" "${SERVER_GC[@]}" "-Xmx${SERVER_XMX:-1g}" -cp "$JAR"
        "$ROOT/benchmarks/upstream/UpstreamProxyBench.java")
    for r in ${UPSTREAM_RATES:-5000}; do
        local args=("$r" "${UPSTREAM_SECONDS:-20}" "${UPSTREAM_CLIENTS:-50}" "${UPSTREAM_BACKEND:-netty}"
            "${UPSTREAM_MAX_CONNECTIONS:-64}")
        printf '%s\n' "${SERVER_CMD[*]} ${args[*]}" >>"$DIR/commands.txt"
        bench_log "upstream: ${args[*]} (rate seconds clients backend maxConnections)"
        "${SERVER_CMD[@]}" "${args[@]}" >"$DIR/upstream-r$r.out" 2>&1 || bench_log "bench exited with $?"
        grep -v '^RESULT ' "$DIR/upstream-r$r.out" | tail -n 5 >&2 || true
        sleep 2
    done
    finish upstream
}

run_one() {
    case "$1" in
        idle) scenario_idle ;;
        fanout) scenario_fanout ;;
        connect-storm) scenario_connect_storm ;;
        push-api) scenario_push_api ;;
        unicast) scenario_unicast ;;
        connect-storm-cluster) scenario_connect_storm_cluster ;;
        push-api-cluster) scenario_push_api_cluster ;;
        loopback-floor) scenario_loopback_floor ;;
        resume-storm) scenario_resume_storm ;;
        latency-sweep) scenario_latency_sweep ;;
        tenants) scenario_tenants ;;
        upstream) scenario_upstream ;;
        push-api-overload) scenario_push_api_overload ;;
        all) for s in idle fanout connect-storm push-api unicast; do run_one "$s"; done ;;
        *) echo "run.sh: unknown scenario '$1'" >&2; usage ;;
    esac
}

for s in "$@"; do
    run_one "$s"
done
