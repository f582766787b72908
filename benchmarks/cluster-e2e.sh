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

# shellcheck source=scenarios/cluster.sh
source "$root/benchmarks/scenarios/cluster.sh"
trap cluster_stop EXIT

# Build what is missing (bin/jgoim builds the jar); the cluster start-up is shared with run.sh's *-cluster scenarios.
bin/jgoim --version >/dev/null
# cluster_start runs logic with JGOIM_AUTH_MODE=goim: the load tool connects with goim tokens.
CLUSTER_COMET_OPTS="-Xmx1g -Xlog:gc*:file=$out/comet-gc.log" cluster_start "$out" job
comet_pid=$COMET_PID
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
