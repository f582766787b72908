#!/usr/bin/env bash
# Issue 19: what the comet's fixed limits cost on the hot paths — the fanout scenario and a connect-storm ladder with
# the limits ON vs OFF, as interleaved repetitions (off, on, off, on...) so both arms see the same machine drift.
# OFF = run.sh's LIMITS=off (every comet rate limit and ban turned off). ON = LIMITS=on with every limit enabled but
# set above what the load tool offers, so each connect, handshake, upstream message and heartbeat takes the limiter
# decision (token buckets, the per-address table, the ban check) and none is refused: the cost of deciding, not of
# refusing. Knobs: REPS (2), LIMITS_AB_SCENARIOS ("fanout connect-storm"), and run.sh's (SESSIONS, STORM_RATES, ...).
# Results: benchmarks/results/*.json in run order; the files are listed at the end with their arm.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPS="${REPS:-2}"
: >"${AB_LOG:=/tmp/limits-ab.txt}"
for ((i = 1; i <= REPS; i++)); do
    for cfg in off on; do
        for scenario in ${LIMITS_AB_SCENARIOS:-fanout connect-storm}; do
            before="$(ls "$ROOT"/benchmarks/results/"$scenario"-2*.json 2>/dev/null | sort | tail -1 || true)"
            if [ "$cfg" = on ]; then
                LIMITS=on JGOIM_LIMITS_ACCEPT_RATE=1000000 JGOIM_LIMITS_ACCEPT_BURST=1000000 \
                    JGOIM_LIMITS_MAX_CONNECTIONS_PER_IP=100000 JGOIM_LIMITS_CONNECT_RATE_PER_IP=1000000 \
                    JGOIM_LIMITS_CONNECT_BURST_PER_IP=1000000 JGOIM_LIMITS_AUTH_FAILURES_PER_IP=100000 \
                    "$ROOT/benchmarks/run.sh" "$scenario"
            else
                LIMITS=off "$ROOT/benchmarks/run.sh" "$scenario"
            fi
            after="$(ls "$ROOT"/benchmarks/results/"$scenario"-2*.json | sort | tail -1)"
            [ "$after" != "$before" ] && echo "$i $cfg $scenario $after" >>"$AB_LOG"
        done
    done
done
cat "$AB_LOG"
