# Shared functions of benchmarks/run.sh: JDK and jar selection, the standalone server's life cycle (with a GC log),
# a /proc CPU sampler, jcmd memory snapshots, a JFR profile. Sourced, never run. Every process started here is
# recorded in $BENCH_PIDS and killed by bench_cleanup (run.sh traps EXIT).

BENCH_PIDS=()

bench_log() {
    printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2
}

bench_cleanup() {
    local p
    for p in "${BENCH_PIDS[@]:-}"; do
        [ -n "$p" ] || continue
        if kill -0 "$p" 2>/dev/null; then
            # the load tool's parent takes its workers down with it on TERM; kill the process group to be sure
            kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true
        fi
    done
    sleep 1
    for p in "${BENCH_PIDS[@]:-}"; do
        [ -n "$p" ] || continue
        kill -KILL -- "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null || true
    done
    BENCH_PIDS=()
}

# The JDK: $BENCH_JAVA_HOME, else Temurin 25 when installed, else the java on PATH.
bench_select_jdk() {
    if [ -n "${BENCH_JAVA_HOME:-}" ]; then
        JAVA_HOME_SEL="$BENCH_JAVA_HOME"
    elif [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
        JAVA_HOME_SEL=/usr/lib/jvm/temurin-25-jdk-amd64
    else
        JAVA_HOME_SEL="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    fi
    JAVA="$JAVA_HOME_SEL/bin/java"
    JCMD="$JAVA_HOME_SEL/bin/jcmd"
    JFR="$JAVA_HOME_SEL/bin/jfr"
    JDK_VERSION="$("$JAVA" -version 2>&1 | tr '\n' ' ' | sed 's/  */ /g')"
    JDK_MAJOR="$("$JAVA" -XX:+IgnoreUnrecognizedVMOptions -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
    JVM_COMMON=(-XX:+ExitOnOutOfMemoryError)
    if [ "${JDK_MAJOR:-17}" -ge 24 ]; then
        # Netty needs sun.misc.Unsafe for allocation-free buffer access (see bin/jgoim); ZGC is generational from 23 on
        JVM_COMMON+=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
        # as bin/jgoim runs the server on JDK 25+: 8 bytes less per object
        [ "${JDK_MAJOR:-17}" -ge 25 ] && JVM_COMMON+=(-XX:+UseCompactObjectHeaders)
        SERVER_GC=(-XX:+UseZGC)
        GC_NAME="generational ZGC"
        if [ -n "${SERVER_GC_OPTS:-}" ]; then
            read -r -a SERVER_GC <<<"$SERVER_GC_OPTS"
            GC_NAME="$SERVER_GC_OPTS"
        fi
    else
        SERVER_GC=(-XX:+UseZGC -XX:+ZGenerational)
        GC_NAME="ZGC"
        if ! "$JAVA" -XX:+UseZGC -XX:+ZGenerational -version >/dev/null 2>&1; then
            SERVER_GC=()
            GC_NAME="G1 (JDK default)"
        fi
    fi
}

# The jar: $JGOIM_JAR, else server/target/jgoim.jar, built once when missing or older than the sources.
bench_select_jar() {
    local root="$1"
    JAR="${JGOIM_JAR:-$root/server/target/jgoim.jar}"
    if [ -z "${JGOIM_JAR:-}" ]; then
        if [ ! -f "$JAR" ] || [ -n "$(find "$root" -path "$root/*/src/main/*" -newer "$JAR" -type f -print -quit)" ] \
                || [ "$root/pom.xml" -nt "$JAR" ]; then
            bench_log "building $JAR (mvn -B -q -DskipTests -pl server -am package)"
            (cd "$root" && mvn -B -q -DskipTests -pl server -am package) >&2
        fi
    fi
    [ -f "$JAR" ] || { echo "run.sh: no jar at $JAR" >&2; exit 2; }
    # the commit the jar was built from: $JGOIM_COMMIT, a COMMIT file at the build root, else HEAD (+ "dirty")
    if [ -n "${JGOIM_COMMIT:-}" ]; then
        JAR_COMMIT="$JGOIM_COMMIT"
    elif [ -f "$(dirname "$JAR")/../../COMMIT" ]; then
        JAR_COMMIT="$(cat "$(dirname "$JAR")/../../COMMIT")"
    else
        JAR_COMMIT="$(git -C "$root" rev-parse --short HEAD)"
        if [ -n "$(git -C "$root" status --porcelain -- '*/src/main/*' 2>/dev/null)" ]; then
            JAR_COMMIT="$JAR_COMMIT+uncommitted-sources"
        fi
    fi
}

bench_port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# bench_start_server DIR [extra JVM options...]: standalone server with a GC log in DIR; sets SERVER_PID.
bench_start_server() {
    local dir="$1"
    shift
    local port
    for port in "${BENCH_TCP_PORT:-3101}" "${BENCH_WS_PORT:-3102}" "${BENCH_HTTP_PORT:-3111}"; do
        if ! bench_port_free "$port"; then
            echo "run.sh: port $port is in use (another jgoim?); the scenarios need 3101, 3102 and 3111" >&2
            exit 3
        fi
    done
    SERVER_CMD=("$JAVA" "${JVM_COMMON[@]}" "${SERVER_GC[@]}" "-Xmx${SERVER_XMX:-1g}"
        "-Xlog:gc*,safepoint:file=$dir/gc.log:utctime,uptime,level,tags" "$@" ${SERVER_OPTS:-} -jar "$JAR" standalone)
    if [ -n "${SERVER_CONFIG:-}" ]; then
        SERVER_CMD+=(--config "$SERVER_CONFIG")
    fi
    bench_log "server: ${SERVER_CMD[*]}"
    setsid "${SERVER_CMD[@]}" >"$dir/server.out" 2>&1 &
    SERVER_PID=$!
    BENCH_PIDS+=("$SERVER_PID")
    local i
    for i in $(seq 1 120); do
        if curl -sf -o /dev/null "http://127.0.0.1:${BENCH_HTTP_PORT:-3111}/health"; then
            bench_log "server pid $SERVER_PID ready"
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.5
    done
    echo "run.sh: the server did not start; see $dir/server.out" >&2
    tail -20 "$dir/server.out" >&2
    exit 4
}

bench_stop_server() {
    if [ -n "${SERVER_PID:-}" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID"
        local i
        for i in $(seq 1 40); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.25
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}

# bench_cpu_sampler PID FILE: appends "epoch_seconds cpu_ticks" every 0.5 s while PID lives (utime+stime).
bench_cpu_sampler() {
    local pid="$1" file="$2"
    (
        while [ -r "/proc/$pid/stat" ]; do
            t="$(date +%s.%N)"
            # fields after the command name ")" : utime is field 14, stime 15 of the whole line
            v="$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}')" || break
            [ -n "$v" ] && echo "$t $v"
            sleep 0.5
        done
    ) >>"$file" &
    BENCH_PIDS+=("$!")
}

# bench_box_sampler FILE: every second "epoch busy_ticks total_ticks pid:ticks,..." (tool JVMs) — the whole machine (/proc/stat)
# and the load tool's JVMs (every process whose command line names LoadtestMain or Unicast.java), so a run can say
# whether the server was starved of CPU by its own clients or by other work on the box.
bench_box_sampler() {
    local file="$1"
    (
        while true; do
            t="$(date +%s.%N)"
            read -r _ u n sy id io irq sirq st _ </proc/stat
            tool=""
            for p in $(pgrep -f 'LoadtestMain|Unicast\.java' 2>/dev/null); do
                v="$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}')"
                [ -n "$v" ] && tool="$tool$p:$v,"
            done
            echo "$t $((u + n + sy + irq + sirq + st)) $((u + n + sy + id + io + irq + sirq + st)) ${tool:-none}"
            sleep 1
        done
    ) >>"$file" &
    BENCH_PIDS+=("$!")
}

# bench_thread_cpu PID FILE: "epoch" then "tid ticks name" per thread of PID (utime+stime from /proc/PID/task), so
# two snapshots show whether one thread (an event loop, a lane) is saturated while the process as a whole is not.
bench_thread_cpu() {
    local pid="$1" file="$2" t
    {
        date +%s.%N
        for t in /proc/"$pid"/task/*; do
            [ -r "$t/stat" ] || continue
            printf '%s %s %s\n' "${t##*/}" "$(sed 's/.*) //' "$t/stat" | awk '{print $12 + $13}')" \
                "$(tr ' ' '_' <"$t/comm")"
        done
    } >"$file" 2>/dev/null || true
}

# Established server-side sockets on the client ports (the number of sessions the server holds).
bench_server_sockets() {
    ss -Htn state established "( sport = :${BENCH_TCP_PORT:-3101} or sport = :${BENCH_WS_PORT:-3102} )" 2>/dev/null \
        | wc -l
}

# bench_memory_snapshot PID FILE: live heap after a full GC (class histogram total), NMT "Other" (direct buffers
# and other Unsafe.allocateMemory), RSS, as one JSON object.
bench_memory_snapshot() {
    local pid="$1" file="$2"
    local heap other rss
    "$JCMD" "$pid" GC.class_histogram >"${file%.json}.histo" 2>/dev/null || true
    heap="$(awk '/^Total/ {print $3}' "${file%.json}.histo")"
    other="$("$JCMD" "$pid" VM.native_memory summary 2>/dev/null \
        | sed -n 's/.*- *Other (reserved=[0-9]*KB, committed=\([0-9]*\)KB).*/\1/p' | head -1)"
    rss="$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")"
    printf '{"epoch": %s, "liveHeapBytes": %s, "nmtOtherKb": %s, "rssKb": %s}\n' \
        "$(date +%s.%N)" "${heap:-null}" "${other:-null}" "${rss:-null}" >"$file"
    bench_log "memory: $(cat "$file")"
}

# bench_jfr_start PID: starts a JFR recording (profile settings: 10 ms execution samples) named "bench".
bench_jfr_start() {
    "$JCMD" "$1" JFR.start name=bench settings=profile >/dev/null 2>&1 || bench_log "JFR.start failed"
}

# bench_perf PID SECONDS FILE: a perf CPU profile of PID (every thread, kernel and user) over SECONDS, symbolised
# with the JIT's map (jcmd Compiler.perfmap), summarised in FILE.txt: the share by where the time went (kernel,
# JIT-compiled Java, the JVM itself, other libraries) and the top symbols. JFR sees only Java frames; this also
# sees the socket calls and the GC. Skipped (with a log line) where perf cannot record.
bench_perf() {
    local pid="$1" secs="$2" file="$3"
    command -v perf >/dev/null || { bench_log "perf not installed: no perf profile"; return 0; }
    perf record -q -e cpu-clock -F 999 -p "$pid" -o "$file" -- sleep "$secs" >/dev/null 2>&1 \
        || { bench_log "perf record failed: no perf profile"; return 0; }
    "$JCMD" "$pid" Compiler.perfmap >/dev/null 2>&1 || bench_log "Compiler.perfmap failed: JIT frames unnamed"
    {
        echo "--- share by object (kernel, JIT code, libjvm, ...):"
        perf report -i "$file" --no-children --sort dso --stdio 2>/dev/null | grep '%' | head -n 12
        echo "--- share by thread:"
        perf report -i "$file" --no-children --sort comm --stdio 2>/dev/null | grep '%' | head -n 12
        echo "--- top symbols:"
        perf report -i "$file" --no-children --sort dso,sym --stdio 2>/dev/null | grep '%' | head -n 40
    } >"$file.txt" 2>&1 || true
    bench_log "perf profile: $file.txt"
}

# bench_jfr_stop PID FILE: stops and writes the recording to FILE, its top sampled frames to FILE.txt.
bench_jfr_stop() {
    local pid="$1" file="$2"
    "$JCMD" "$pid" JFR.stop name=bench filename="$file" >/dev/null 2>&1 || { bench_log "JFR.stop failed"; return 0; }
    if [ -s "$file" ]; then
        {
            "$JFR" print --events jdk.ExecutionSample --stack-depth 3 "$file" | python3 "$SCEN_DIR/jfr_top.py"
            echo "--- threads in native code (blocked in or running a system call: socket writes, epoll):"
            "$JFR" print --events jdk.NativeMethodSample --stack-depth 3 "$file" \
                | python3 "$SCEN_DIR/jfr_top.py" jdk.NativeMethodSample 12
        } >"$file.txt" 2>&1 || true
        bench_log "JFR profile: $file.txt"
        sed -n '1,14p' "$file.txt" >&2
    fi
}

bench_loadavg() {
    cut -d' ' -f1-3 /proc/loadavg
}
