# The real cluster of benchmarks/cluster-e2e.sh and of run.sh's *-cluster scenarios: redis-server, a Kafka broker
# (KRaft, from the Kafka jars: io.jgoim.testkit.KafkaMain, topic goim-push-topic with 4 partitions), logic, optionally
# job, and one comet, each a separate process on loopback. Sourced, never run.
#
#   cluster_start OUT_DIR [job]   starts them (job only when "job" is given); logs in OUT_DIR/<role>.log
#
# Sets REDIS_PID KAFKA_PID LOGIC_PID JOB_PID COMET_PID, CLUSTER_BOOTSTRAP, and appends every pid to CLUSTER_PIDS (the
# caller's EXIT trap kills them; cluster_stop does it too). Ports: redis 7379, logic HTTP 7111 / gRPC 7119, job metrics
# 7129, comet TCP 7101, WebSocket 7102, RPC 7109, admin 7105.
# Launcher: with CLUSTER_JAR set, "$CLUSTER_JAVA $CLUSTER_JVM_OPTS <role JVM options> -jar $CLUSTER_JAR ROLE" (run.sh:
# its JDK and GC flags, the jar as it is); otherwise bin/jgoim ROLE with the role's options in JGOIM_JAVA_OPTS.
# Per-role JVM options: CLUSTER_LOGIC_OPTS, CLUSTER_JOB_OPTS, CLUSTER_COMET_OPTS (default -Xmx1g for each).
# Kafka's classpath comes from testkit (compiled offline when missing).
# Pinning: CLUSTER_PIN_LOGIC and CLUSTER_PIN_OTHERS (CPU lists for taskset -c, e.g. 1 and 0; unset = not pinned)
# start logic, resp. redis, Kafka, job and comet, under `taskset -c LIST` from their first instruction, so a JVM sizes
# its pools (Runtime.availableProcessors) from the CPUs it was given.

CLUSTER_PIDS=()
CLUSTER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

cluster_wait_port() { # host port seconds
    local _
    for _ in $(seq 1 $(($3 * 10))); do
        (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "port $2 did not open" >&2
    return 1
}

# cluster_pin ROLE: the command prefix that pins ROLE (taskset -c LIST), one word a line; nothing when not pinned
cluster_pin() {
    local cpus="${CLUSTER_PIN_OTHERS:-}"
    [ "$1" = logic ] && cpus="${CLUSTER_PIN_LOGIC:-}"
    [ -n "$cpus" ] && printf '%s\n' taskset -c "$cpus"
    return 0
}

# cluster_role ROLE LOG JVM_OPTS: one jgoim role in its own process group; prints nothing, sets CLUSTER_LAST_PID
cluster_role() {
    local role="$1" log="$2" opts="$3" pin
    mapfile -t pin < <(cluster_pin "$role")
    if [ -n "${CLUSTER_JAR:-}" ]; then
        # shellcheck disable=SC2086
        printf '%s\n' "$(env | grep '^JGOIM_[A-Z_]*=' | grep -v '^JGOIM_JAR=\|^JGOIM_COMMIT=' | tr '\n' ' ')${pin[*]:+${pin[*]} }$CLUSTER_JAVA ${CLUSTER_JVM_OPTS:-} $opts -jar $CLUSTER_JAR $role" >>"${log%.log}.cmd"
        # shellcheck disable=SC2086
        setsid "${pin[@]}" "$CLUSTER_JAVA" ${CLUSTER_JVM_OPTS:-} $opts -jar "$CLUSTER_JAR" "$role" >"$log" 2>&1 &
    else
        printf '%s\n' "JGOIM_JAVA_OPTS=\"$opts\" ${pin[*]:+${pin[*]} }bin/jgoim $role" >>"${log%.log}.cmd"
        JGOIM_JAVA_OPTS="$opts" setsid "${pin[@]}" "$CLUSTER_ROOT/bin/jgoim" "$role" >"$log" 2>&1 &
    fi
    CLUSTER_LAST_PID=$!
    CLUSTER_PIDS+=("$CLUSTER_LAST_PID")
}

cluster_start() {
    local out="$1" with_job="${2:-}" port
    for port in 7379 7111 7119 7101 7102 7109 7105 7129; do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "cluster: port $port is in use (another cluster run?)" >&2
            return 3
        fi
    done
    local java="${CLUSTER_KAFKA_JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}"
    [ -f "$CLUSTER_ROOT/testkit/target/classes/io/jgoim/testkit/KafkaMain.class" ] \
        || (cd "$CLUSTER_ROOT" && mvn -B -q -o -pl testkit compile)
    (cd "$CLUSTER_ROOT" && mvn -B -q -pl testkit dependency:build-classpath -Dmdep.outputFile="$out/testkit.cp") >/dev/null
    local cp pin
    cp="$(cat "$out/testkit.cp"):$CLUSTER_ROOT/testkit/target/classes"
    mapfile -t pin < <(cluster_pin redis)

    setsid "${pin[@]}" redis-server --port 7379 --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$out/redis.log" 2>&1 &
    REDIS_PID=$!
    CLUSTER_PIDS+=("$REDIS_PID")
    cluster_wait_port 127.0.0.1 7379 10

    setsid "${pin[@]}" "$java" -Xmx1g -cp "$cp" io.jgoim.testkit.KafkaMain goim-push-topic:4 >"$out/kafka.log" 2>&1 &
    KAFKA_PID=$!
    CLUSTER_PIDS+=("$KAFKA_PID")
    local _
    for _ in $(seq 1 600); do grep -q '^bootstrap=' "$out/kafka.log" && break; sleep 0.1; done
    CLUSTER_BOOTSTRAP="$(sed -n 's/^bootstrap=//p' "$out/kafka.log")"
    [ -n "$CLUSTER_BOOTSTRAP" ] || { echo "Kafka did not start; see $out/kafka.log" >&2; return 1; }

    export JGOIM_REDIS_URIS="redis://127.0.0.1:7379" JGOIM_KAFKA_BOOTSTRAP_SERVERS="$CLUSTER_BOOTSTRAP"
    # The load tools connect with goim tokens: say so, so the run does not depend on which auth mode the default or
    # a --config file (configs/logic.yaml requires signed tokens) has.
    JGOIM_HTTP_PORT=7111 JGOIM_GRPC_PORT=7119 JGOIM_KAFKA_UPSTREAM_TOPIC="" JGOIM_AUTH_MODE=goim \
        cluster_role logic "$out/logic.log" "${CLUSTER_LOGIC_OPTS:--Xmx1g}"
    LOGIC_PID=$CLUSTER_LAST_PID
    cluster_wait_port 127.0.0.1 7119 60
    JOB_PID=""
    if [ "$with_job" = job ]; then
        JGOIM_METRICS_PORT=7129 cluster_role job "$out/job.log" "${CLUSTER_JOB_OPTS:--Xmx1g}"
        JOB_PID=$CLUSTER_LAST_PID
    fi
    JGOIM_NODE_ID=comet-1 JGOIM_LOGIC_TARGET=127.0.0.1:7119 JGOIM_TCP_PORT=7101 JGOIM_WEB_SOCKET_PORT=7102 \
        JGOIM_WSS_ENABLED=false JGOIM_RPC_PORT=7109 JGOIM_ADMIN_PORT=7105 \
        cluster_role comet "$out/comet.log" "${CLUSTER_COMET_OPTS:--Xmx1g}"
    COMET_PID=$CLUSTER_LAST_PID
    cluster_wait_port 127.0.0.1 7101 60
    cluster_wait_port 127.0.0.1 7111 30
}

cluster_stop() {
    local p
    for p in "${CLUSTER_PIDS[@]:-}"; do [ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true; done
    sleep 2
    for p in "${CLUSTER_PIDS[@]:-}"; do [ -n "$p" ] && kill -KILL "$p" 2>/dev/null || true; done
    CLUSTER_PIDS=()
}
