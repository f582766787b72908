#!/usr/bin/env bash
# Issue 5's end-to-end benchmark: HTTP -> logic -> Kafka -> job -> comet -> client, one room of N sessions.
# Starts a real redis-server, a real Kafka broker (KRaft, from the Kafka jars: io.jgoim.testkit.KafkaMain), logic, job
# and one comet as separate processes (bin/jgoim, Temurin 25 + generational ZGC when installed), then runs the load
# tool's room-broadcast at each rate. Bounded: N <= 15,000, each rate runs DURATION. Loopback only. Everything it
# starts is stopped on exit.
#
#   SESSIONS=10000 RATES="20 100" DURATION=30s benchmarks/cluster-e2e.sh
#   MODE=idle SESSIONS=15000 benchmarks/cluster-e2e.sh     # memory per idle session of a comet alone
#   PREWARM=35s PROCESSES=1 TOOL_THREADS=1 WARMUP=500 CONNECT_RATE=1000   # the load tool's defaults here
#   BURST_PREWARM="500 10"                                 # pushes/s and seconds of the push path's JIT burst first
#   IDLE_SAMPLE=30                                         # first, every node's CPU over 30 s with nothing to do
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
sessions="${SESSIONS:-10000}"
rates="${RATES:-20 100}"
duration="${DURATION:-30s}"
[ "$sessions" -le 15000 ] || { echo "SESSIONS is capped at 15000" >&2; exit 2; }
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$root/benchmarks/results/cluster-e2e-$stamp"
mkdir -p "$out"
if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ] && [ -z "${JAVA_HOME:-}" ]; then
    export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# shellcheck source=scenarios/cluster.sh
source "$root/benchmarks/scenarios/cluster.sh"
trap cluster_stop EXIT

# Build what is missing (bin/jgoim builds the jar); the cluster start-up is shared with run.sh's *-cluster scenarios.
bin/jgoim --version >/dev/null
# cluster_start runs logic with JGOIM_AUTH_MODE=goim: the load tool connects with goim tokens.
CLUSTER_COMET_OPTS="-Xmx1g -Xlog:gc*:file=$out/comet-gc.log" cluster_start "$out" job
comet_pid=$COMET_PID
sleep 3   # job discovers the comet from the registry (comet.registryRefresh, 1 s)
if [ "${IDLE_SAMPLE:-0}" -gt 0 ]; then
    # The cluster's own CPU with no session and no push (timers, polls, probes, GC, JIT still settling): what the
    # nodes take from the comet and the clients on shared cores before any work.
    node_ticks() {
        local r
        for r in redis:$REDIS_PID kafka:$KAFKA_PID logic:$LOGIC_PID job:$JOB_PID comet:$COMET_PID; do
            echo "${r%%:*} $(awk '{print $14 + $15}' "/proc/${r#*:}/stat")"
        done
    }
    node_ticks >"$out/idle-a.ticks"
    sleep "$IDLE_SAMPLE"
    node_ticks >"$out/idle-b.ticks"
    paste "$out/idle-a.ticks" "$out/idle-b.ticks" | awk -v s="$IDLE_SAMPLE" -v hz="$(getconf CLK_TCK)" \
        '{d = ($4 - $2) / hz; t += d; printf "%s %.2f s (%.1f %% of a core)\n", $1, d, 100 * d / s}
         END {printf "all %.2f s (%.1f %% of a core) over %d s idle\n", t, 100 * t / s, s}' | tee "$out/idle-cpu.txt"
    rm -f "$out/idle-a.ticks" "$out/idle-b.ticks"
fi

if [ "${MODE:-room}" = idle ]; then
    # The comet JVM holds only comet state here (logic's session directory is in Redis), so live heap per session
    # is the comet's own. Two load processes stay under the 20,000 open-files cap.
    bin/jgoim loadtest connect --sessions "$sessions" --warmup 1000 --connect-rate 1000 --transport mix \
        --tcp-port 7101 --ws-port 7102 --source-ips 127.0.0.2-127.0.0.9 --hold 20s --processes 2 \
        --worker-jvm-opts "-Xms64m -Xmx384m" --server-pid "$comet_pid" --server-heap --out "$out" \
        --name "idle-$sessions" | tee "$out/idle-$sessions.txt"
    rates=""
fi
# The load tool's flags are the latency sweep's (benchmarks/run.sh latency-sweep), so a cell here and the standalone
# cell of the same size differ only in the server: PREWARM (publish unmeasured first, so every node is JIT-compiled
# and the first Kafka fetches, history appends and gRPC calls are behind; 35 s = the sweep's 30-s warm-up cell and
# its 5-s prewarm: with 5 s, job's C1/C2 compilers were still 38 % of its CPU in the measured window), one receiving process with one event loop
# (PROCESSES, TOOL_THREADS: the sweep's SWEEP_PROCESSES, SWEEP_TOOL_THREADS), 64-byte payloads.
# While each rate runs every node's /metrics and CPU are scraped once a second (scenarios/stages.sh); the scrapes
# around the tool's measured window become the per-stage table (Kafka produce, the Kafka leg to job, the comet's
# fan-out, publish-to-written, publish-to-job-answer) and each node's CPU, in stages-*.txt/json.
# shellcheck source=scenarios/stages.sh
source "$root/benchmarks/scenarios/stages.sh"
worker_opts="-Xms64m -Xmx384m"
if "$java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
    worker_opts="$worker_opts --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
fi
# BURST_PREWARM ("500 10": 500 pushes/s for 10 s; "0" turns it off): before the measured rates, a short burst into a
# room of 100 sessions of its own, so the per-push code of logic, job and the comet's rpc side (a few thousand pushes
# reach C2) is compiled before the measured window; at 20 pushes/s the 35-s prewarm sends 700 and left job's and
# logic's C2 compilers at 31-39 % of their CPU in the window. run.sh's latency sweep gives its warm-up the same burst.
burst=(${BURST_PREWARM:-500 10})
if [ -n "$rates" ] && [ "${burst[0]}" -gt 0 ]; then
    bin/jgoim loadtest room-broadcast --sessions 100 --rate "${burst[0]}" --duration "${burst[1]}s" \
        --tcp-port 7101 --http http://127.0.0.1:7111 --source-ips 127.0.0.2-127.0.0.9 --connect-rate 1000 \
        --processes 1 --threads 1 --payload-size 64 --grace 3s --room-id e2e-burst --out "$out" \
        --name burst-prewarm >"$out/burst-prewarm.txt" 2>&1 || echo "burst prewarm failed: see $out/burst-prewarm.txt"
    sleep 2
fi
for rate in $rates; do
    name="room-$sessions-$rate"
    stages_start "$out/scrapes-$name" "logic=http://127.0.0.1:7111/metrics=$LOGIC_PID" \
        "job=http://127.0.0.1:7129/metrics=$JOB_PID" "comet=http://127.0.0.1:7105/metrics=$COMET_PID" \
        "kafka==$KAFKA_PID" "redis==$REDIS_PID"
    bin/jgoim loadtest room-broadcast --sessions "$sessions" --rate "$rate" --duration "$duration" \
        --tcp-port 7101 --http http://127.0.0.1:7111 --source-ips 127.0.0.2-127.0.0.9 --connect-rate "${CONNECT_RATE:-1000}" \
        --warmup "${WARMUP:-500}" --prewarm "${PREWARM:-35s}" --processes "${PROCESSES:-1}" --threads "${TOOL_THREADS:-1}" --payload-size 64 \
        --grace 5s --worker-jvm-opts "$worker_opts" --server-pid "$comet_pid" --room-id "e2e-$rate" --out "$out" \
        --name "$name" | tee "$out/$name.txt"
    stages_finish "$out/scrapes-$name" "$out/$name.json" "$out/stages-$name"
done
echo "results in $out (JDK: $("$java" -version 2>&1 | head -1); load: $(cut -d' ' -f1-3 /proc/loadavg))"
