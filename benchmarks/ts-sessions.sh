#!/usr/bin/env bash
# The standalone server's live heap per session: TypeScript SDK sessions (Node.js, the `ws` transport) against Java
# SDK sessions (the load tool's fleet, WebSocket transport), interleaved, on one server process.
#   SESSIONS=5000 CONNECT_RATE=500 REPS=2 benchmarks/ts-sessions.sh
# Needs server/target/jgoim.jar (bin/jgoim builds it), clients/typescript built (npm run build) and its node_modules.
# Method (as benchmarks/run.sh idle): live heap = `jcmd PID GC.class_histogram` total (it runs a full GC first),
# taken with no session and again once all N are held; per session = difference / N. Each run waits until the
# previous run's sockets are gone. Prints one line per run and the spread per kind.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${SESSIONS:-5000}"
RATE="${CONNECT_RATE:-500}"
REPS="${REPS:-2}"
JDK="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JDK/bin/java"
JCMD="$JDK/bin/jcmd"
JAR="$root/server/target/jgoim.jar"
OPTS=(-XX:+ExitOnOutOfMemoryError --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED
      -XX:+UseZGC -XX:+UseCompactObjectHeaders ${SERVER_GC_OPTS:-})
work="$(mktemp -d)"
read -r TCP WS HTTP < <(python3 -c '
import socket
ss=[socket.socket() for _ in range(3)]
[s.bind(("127.0.0.1",0)) for s in ss]
print(*[s.getsockname()[1] for s in ss])
[s.close() for s in ss]')
cat >"$work/standalone.yaml" <<YAML
comet:
  tcp: {port: $TCP}
  webSocket: {port: $WS}
logic:
  http: {port: $HTTP, demo: {enabled: false}}
YAML
"$JAVA" "${OPTS[@]}" -jar "$JAR" standalone --config "$work/standalone.yaml" >"$work/server.log" 2>&1 &
SERVER=$!
CLIENT=""
cleanup() {
    [ -n "$CLIENT" ] && kill "$CLIENT" 2>/dev/null || true
    kill "$SERVER" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$HTTP/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
done
sockets() { ss -Htn state established "( sport = :$WS )" | wc -l; }
heap() { "$JCMD" "$SERVER" GC.class_histogram | awk '$1 == "Total:" || $1 == "Total" {print $NF}'; }
wait_sockets() { # wait_sockets CMP N SECONDS
    local i
    for ((i = 0; i < $3 * 2; i++)); do
        [ "$(sockets)" "$1" "$2" ] && return 0
        sleep 0.5
    done
    return 1
}
echo "server pid $SERVER (ws $WS), $N sessions per run at $RATE/s, node $(node --version), $("$JAVA" -version 2>&1 | head -1)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {print int($2/1024)" MiB"}' /proc/meminfo); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A results
for rep in $(seq 1 "$REPS"); do
    for kind in ts java; do
        wait_sockets -le 0 120 || { echo "sockets of the previous run still open"; exit 1; }
        sleep 3
        before="$(heap)"
        if [ "$kind" = ts ]; then
            (cd "$root/clients/typescript" && exec node bench/hold-sessions.mjs "ws://127.0.0.1:$WS/sub" "$N" "$RATE" \
                </dev/zero >"$work/$kind-$rep.out" 2>&1) &
        else
            "$JAVA" -XX:+UseSerialGC -Xmx1g -jar "$JAR" loadtest connect --host 127.0.0.1 --ws-port "$WS" \
                --tcp-port "$TCP" --transport WS --sessions "$N" --connect-rate "$RATE" --heartbeat 240s \
                --hold 600s >"$work/$kind-$rep.out" 2>&1 &
        fi
        CLIENT=$!
        if ! wait_sockets -ge "$N" $((N / RATE + 120)); then
            echo "$kind rep $rep: only $(sockets) of $N sessions"; tail -5 "$work/$kind-$rep.out"; exit 1
        fi
        sleep 5
        after="$(heap)"
        per=$(( (after - before) / N ))
        results[$kind]+="$per "
        echo "$kind rep $rep: heap $before -> $after B, $per B per session (sockets $(sockets), load $(cut -d' ' -f1 /proc/loadavg))"
        kill "$CLIENT" 2>/dev/null || true
        wait "$CLIENT" 2>/dev/null || true
        CLIENT=""
    done
done
for kind in ts java; do
    echo "$kind: ${results[$kind]}B per session"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
