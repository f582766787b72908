#!/usr/bin/env bash
# Heap per idle session, class by class (issue 17), made to finish on a busy shared machine:
#   benchmarks/idle-heap.sh JAR LABEL [SESSIONS=15000] [CONNECT_RATE=300]
# Starts JAR's standalone as `benchmarks/run.sh idle` does (Temurin 25, generational ZGC, compact object headers,
# -Xmx1g, the comet's limits off) on ports 3201/3202/3211, takes `jcmd GC.class_histogram` (a full GC) before any
# session, opens SESSIONS sessions (half TCP, half WebSocket) with the load tool and a long hold, waits until they are
# all held or the count stops growing for 20 s, takes the histogram again and divides the difference by the sessions
# actually held at that moment (run.sh idle skips the snapshot when a slow box misses sessions). Prints the total,
# RSS per session and the per-class table (benchmarks/scenarios/histo_diff.py); files in
# benchmarks/results/runs/idle-heap-LABEL-<time>/. Everything runs under nice 19.
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$1"; LABEL="$2"; N="${3:-15000}"; RATE="${4:-300}"
JH="${BENCH_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin"
OUT="$ROOT/benchmarks/results/runs/idle-heap-$LABEL-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
COMMON=(-XX:+ExitOnOutOfMemoryError --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED
    -XX:+UseCompactObjectHeaders)
export JGOIM_LIMITS_ACCEPT_RATE=0 JGOIM_LIMITS_MAX_CONNECTIONS_PER_IP=0 JGOIM_LIMITS_CONNECT_RATE_PER_IP=0 \
    JGOIM_LIMITS_AUTH_FAILURES_PER_IP=0 JGOIM_LIMITS_UPSTREAM_RATE=0 JGOIM_LIMITS_MIN_HEARTBEAT_INTERVAL=0s
sockets() { ss -Htn state established "( sport = :3201 or sport = :3202 )" | wc -l; }
printf "comet:\n  tcp: {port: 3201}\n  webSocket: {port: 3202}\nlogic:\n  http: {port: 3211}\njob:\n" >"$OUT/config.yaml"
setsid nice -n 19 "$JH/java" "${COMMON[@]}" -XX:+UseZGC -Xmx1g -jar "$JAR" standalone --config "$OUT/config.yaml" \
    >"$OUT/server.out" 2>&1 &
SP=$!
for _ in $(seq 1 240); do curl -sf -o /dev/null http://127.0.0.1:3211/health && break; sleep 0.5; done
sleep 3
echo "JDK: $("$JH/java" -version 2>&1 | sed -n 2p); GC: generational ZGC; load average before: $(cut -d' ' -f1-3 /proc/loadavg)" \
    >"$OUT/summary.txt"
"$JH/jcmd" "$SP" GC.class_histogram >"$OUT/before.histo"
RSS0=$(awk '/VmRSS/ {print $2}' "/proc/$SP/status")
setsid nice -n 19 "$JH/java" "${COMMON[@]}" -Xmx256m -cp "$JAR" io.jgoim.loadtest.LoadtestMain connect --sessions "$N" \
    --connect-rate "$RATE" --transport mix --source-ips 127.0.0.1-127.0.0.4 --heartbeat 30s --hold 900s --processes 2 \
    --server-pid "$SP" --tcp-port 3201 --ws-port 3202 --out "$OUT" --name idle \
    --worker-jvm-opts "-Xms64m -Xmx384m --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED" \
    >"$OUT/tool.out" 2>&1 &
TP=$!
prev=-1; same=0
for _ in $(seq 1 900); do
    c=$(sockets)
    [ "$c" -ge "$N" ] && break
    if [ "$c" -eq "$prev" ] && [ "$c" -gt 0 ]; then same=$((same + 1)); [ "$same" -ge 20 ] && break; else same=0; fi
    prev=$c; sleep 1
done
sleep 4
HELD=$(sockets)
"$JH/jcmd" "$SP" GC.class_histogram >"$OUT/held.histo"
RSS1=$(awk '/VmRSS/ {print $2}' "/proc/$SP/status")
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/summary.txt"
kill -TERM -- "-$TP" 2>/dev/null; sleep 1; kill -TERM "$SP" 2>/dev/null
H0=$(awk '/^Total/ {print $3}' "$OUT/before.histo"); H1=$(awk '/^Total/ {print $3}' "$OUT/held.histo")
{
    echo "jar $JAR; sessions held $HELD of $N"
    echo "heap $H0 -> $H1 B: $(((H1 - H0) / HELD)) B per session; RSS $RSS0 -> $RSS1 kB: $(((RSS1 - RSS0) * 1024 / HELD)) B per session"
    python3 "$ROOT/benchmarks/scenarios/histo_diff.py" "$OUT/before.histo" "$OUT/held.histo" "$HELD" 60
} >>"$OUT/summary.txt"
sleep 3; kill -KILL -- "-$TP" 2>/dev/null; kill -KILL "$SP" 2>/dev/null
cat "$OUT/summary.txt"
