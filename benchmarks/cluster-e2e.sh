#!/usr/bin/env bash
# Issue 5's end-to-end benchmark: HTTP -> logic -> Kafka -> job -> comet -> client, one room of N sessions.
# Starts a real redis-server, a real Kafka broker (KRaft, from the Kafka jars: io.jgoim.testkit.KafkaMain), logic, job
# and one comet as separate processes (bin/jgoim, Temurin 25 + generational ZGC when installed), then runs the load
# tool's room-broadcast at each rate. Bounded: N <= 15,000, each rate runs DURATION. Loopback only. Everything it
# starts is stopped on exit.
#
#   SESSIONS=10000 RATES="20 100" DURATION=30s benchmarks/cluster-e2e.sh
#   MODE=idle SESSIONS=15000 benchmarks/cluster-e2e.sh     # memory per idle session of a comet alone
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

pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 2
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

wait_port() {  # host port seconds
    for _ in $(seq 1 $(( $3 * 10 ))); do
        (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "port $2 did not open" >&2
    return 1
}

# Build what is missing (bin/jgoim builds the jar; the Kafka launcher needs testkit's classpath).
bin/jgoim --version >/dev/null
[ -f testkit/target/classes/io/jgoim/testkit/KafkaMain.class ] || mvn -B -q -o -pl testkit compile
mvn -B -q -o -pl testkit dependency:build-classpath -Dmdep.outputFile="$out/testkit.cp" >/dev/null
cp="$(cat "$out/testkit.cp"):$root/testkit/target/classes"

redis_port=7379
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
    > "$out/redis.log" 2>&1 &
pids+=($!)
wait_port 127.0.0.1 "$redis_port" 10

"$java" -Xmx1g -cp "$cp" io.jgoim.testkit.KafkaMain goim-push-topic:4 > "$out/kafka.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do grep -q '^bootstrap=' "$out/kafka.log" && break; sleep 0.1; done
bootstrap="$(sed -n 's/^bootstrap=//p' "$out/kafka.log")"
[ -n "$bootstrap" ] || { echo "Kafka did not start; see $out/kafka.log" >&2; exit 1; }

export JGOIM_REDIS_URIS="redis://127.0.0.1:$redis_port" JGOIM_KAFKA_BOOTSTRAP_SERVERS="$bootstrap"
JGOIM_HTTP_PORT=7111 JGOIM_GRPC_PORT=7119 JGOIM_KAFKA_UPSTREAM_TOPIC="" \
    bin/jgoim logic > "$out/logic.log" 2>&1 &
pids+=($!)
wait_port 127.0.0.1 7119 60
JGOIM_METRICS_PORT=7129 bin/jgoim job > "$out/job.log" 2>&1 &
pids+=($!)
JGOIM_JAVA_OPTS="-Xmx1g -Xlog:gc*:file=$out/comet-gc.log" JGOIM_NODE_ID=comet-1 JGOIM_LOGIC_TARGET=127.0.0.1:7119 \
    JGOIM_TCP_PORT=7101 JGOIM_WEB_SOCKET_PORT=7102 JGOIM_WSS_ENABLED=false JGOIM_RPC_PORT=7109 JGOIM_ADMIN_PORT=7105 \
    bin/jgoim comet > "$out/comet.log" 2>&1 &
comet_pid=$!
pids+=($comet_pid)
wait_port 127.0.0.1 7101 60
sleep 3   # job discovers the comet from the registry (comet.registryRefresh, 1 s)

if [ "${MODE:-room}" = idle ]; then
    # The comet JVM holds only comet state here (logic's session directory is in Redis), so live heap per session
    # is the comet's own. Two load processes stay under the 20,000 open-files cap.
    bin/jgoim loadtest connect --sessions "$sessions" --warmup 1000 --connect-rate 1000 --transport mix \
        --tcp-port 7101 --ws-port 7102 --source-ips 127.0.0.2-127.0.0.9 --hold 20s --processes 2 \
        --worker-jvm-opts "-Xms64m -Xmx384m" --server-pid "$comet_pid" --server-heap --out "$out" \
        --name "idle-$sessions" | tee "$out/idle-$sessions.txt"
    rates=""
fi
for rate in $rates; do
    bin/jgoim loadtest room-broadcast --sessions "$sessions" --rate "$rate" --duration "$duration" \
        --tcp-port 7101 --http http://127.0.0.1:7111 --source-ips 127.0.0.2-127.0.0.9 --connect-rate "${CONNECT_RATE:-1000}" \
        --warmup "${WARMUP:-2000}" --server-pid "$comet_pid" --room-id "e2e-$rate" --out "$out" --name "room-$sessions-$rate" \
        | tee "$out/room-$sessions-$rate.txt"
done
echo "results in $out (JDK: $("$java" -version 2>&1 | head -1); load: $(cut -d' ' -f1-3 /proc/loadavg))"
