#!/usr/bin/env bash
# Issue 19's connect-path probe: benchmarks/cluster-e2e.sh's cold cluster (redis-server, Kafka, logic, job, one comet,
# each its own JVM) with a JFR recording of comet and logic and their connect-path metrics scraped every 0.5 s, then
# one room-broadcast run at CONNECT_RATE (1500) into it: which code closed the sessions that did not get in, and why
# (the comet's pending bound, its timer, its throttle, logic's shedding or expiry). Output in
# benchmarks/results/connect-path-<UTC time>/ (room.txt/json from the load tool, metrics.txt, comet.jfr, logic.jfr).
#
#   CONNECT_RATE=1500 SESSIONS=15000 DURATION=10s benchmarks/connect-path.sh
#   SERVER_JAR=/path/to/other/jgoim.jar benchmarks/connect-path.sh     # the servers from another build
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/benchmarks/results/connect-path-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ] && [ -z "${JAVA_HOME:-}" ]; then
    export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
# shellcheck source=scenarios/cluster.sh
source "$root/benchmarks/scenarios/cluster.sh"
if [ -n "${SERVER_JAR:-}" ]; then
    export CLUSTER_JAR="$SERVER_JAR" CLUSTER_JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
    export CLUSTER_JVM_OPTS="-XX:+ExitOnOutOfMemoryError --sun-misc-unsafe-memory-access=allow \
--enable-native-access=ALL-UNNAMED -XX:+UseZGC -XX:+UseCompactObjectHeaders"
fi
scraper=""
trap 'kill $scraper 2>/dev/null || true; cluster_stop' EXIT
bin/jgoim --version >/dev/null
jfr="-XX:StartFlightRecording=settings=profile,filename=$out/ROLE.jfr,dumponexit=true"
CLUSTER_LOGIC_OPTS="-Xmx1g ${jfr/ROLE/logic}" CLUSTER_COMET_OPTS="-Xmx1g ${jfr/ROLE/comet}" cluster_start "$out" job
sleep 3 # job discovers the comet from the registry
( set +e +o pipefail
  while true; do
    t=$(date +%s.%N | cut -c1-14)
    curl -s -m 1 http://127.0.0.1:7105/metrics \
        | grep -E '^jgoim_comet_(connects|auth|closes)|overload|throttle|event_loop_pending' | sed "s/^/$t comet /"
    curl -s -m 1 http://127.0.0.1:7111/metrics \
        | grep -E 'connects_expired|sessions_connected|sessions_disconnected|writes_|overload|refused' \
        | sed "s/^/$t logic /"
    echo "$t load $(cut -d' ' -f1 /proc/loadavg)"
    sleep 0.5
  done ) >"$out/metrics.txt" 2>&1 &
scraper=$!
bin/jgoim loadtest room-broadcast --sessions "${SESSIONS:-15000}" --rate 20 --duration "${DURATION:-10s}" \
    --tcp-port 7101 --http http://127.0.0.1:7111 --source-ips 127.0.0.2-127.0.0.9 \
    --connect-rate "${CONNECT_RATE:-1500}" --warmup "${WARMUP:-2000}" --server-pid "$COMET_PID" --room-id e2e-20 \
    --out "$out" --name room | tee "$out/room.txt"
echo "results in $out (load: $(cut -d' ' -f1-3 /proc/loadavg))"
