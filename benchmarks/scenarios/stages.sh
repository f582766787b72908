# Per-stage latency of a measured run (issue 17): scrape every node's /metrics and CPU once a second while the load
# tool runs, then let stage_latency.py diff the scrapes around the tool's measured window. Sourced, never run.
#
#   stages_start DIR ROLE=URL=PID ...   scrapes ROLE's URL into DIR/ROLE-EPOCH.prom and its process's CPU ticks into
#                                       DIR/cpu.ticks, once a second, in the background (sets STAGES_PID)
#   stages_finish DIR RUN_JSON OUT      stops the scraper, writes OUT.json and OUT.txt, keeps DIR/cpu.ticks as
#                                       OUT.ticks and removes the scrapes (KEEP_SCRAPES=1 keeps them)

# The families stage_latency.py reads (its INTERESTING and COUNTERS), by their series' names: each scrape asks only for
# them (/metrics?name[]=...), not the whole exposition (~140 families, 70 KB), whose once-a-second cost on every node's
# loop was part of what this sampler measured. STAGES_FULL_SCRAPE=1 scrapes everything (and a jar older than the
# filter ignores the parameter and answers everything anyway).
STAGES_FAMILIES="jgoim_kafka_send_latency_seconds jgoim_job_consume_age_seconds jgoim_comet_push_fanout_seconds
jgoim_comet_push_latency_seconds jgoim_job_push_age_seconds jgoim_job_batch_messages jgoim_logic_api_requests_seconds
jgoim_comet_fanout_messages_total jgoim_comet_fanout_writes_total jgoim_job_room_calls_joined_total
jgoim_job_calls_total jgoim_job_pushes_total"

stages_query() {
    [ "${STAGES_FULL_SCRAPE:-0}" = 1 ] && return 0
    local f q=""
    for f in $STAGES_FAMILIES; do q="$q&name%5B%5D=$f"; done
    echo "?${q#&}"
}

stages_start() {
    local dir="$1" query
    shift
    mkdir -p "$dir"
    query="$(stages_query)"
    (
        while :; do
            t=$(date +%s)
            for spec in "$@"; do
                role=${spec%%=*}
                rest=${spec#*=}
                url=${rest%=*}
                pid=${rest##*=}
                [ -z "$url" ] || curl -s -m 2 -o "$dir/$role-$t.prom" "$url$query" &
                if [ -r "/proc/$pid/stat" ]; then
                    echo "$t $role $(awk '{print $14 + $15}' "/proc/$pid/stat")" >>"$dir/cpu.ticks"
                fi
            done
            wait
            sleep 1
        done
    ) &
    STAGES_PID=$!
}

# stages_stop: ends the sampler and any scrape it has in flight (a curl still writing into the scrapes directory
# made the rm -rf after it fail, and with it the whole run under set -e)
stages_stop() {
    pkill -P "$STAGES_PID" 2>/dev/null || true
    kill "$STAGES_PID" 2>/dev/null || true
    wait "$STAGES_PID" 2>/dev/null || true
    pkill -P "$STAGES_PID" 2>/dev/null || true
    sleep 0.2
}

stages_finish() {
    local dir="$1" run_json="$2" out="$3"
    sleep 2
    stages_stop
    python3 "$(dirname "${BASH_SOURCE[0]}")/stage_latency.py" "$out.json" "$run_json" "$dir" | tee "$out.txt" || true
    cp "$dir/cpu.ticks" "$out.ticks" 2>/dev/null || true
    [ -n "${KEEP_SCRAPES:-}" ] || rm -rf "$dir" 2>/dev/null || true
}
