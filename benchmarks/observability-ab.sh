#!/usr/bin/env bash
# Issue 15: server CPU per delivered message with tracing (default 1 % sampling) + tenants ON against both OFF, in
# the fanout scenario (throughput mode) and the push-api scenario, as interleaved repetitions (off, on, off, on...)
# so both see the same machine drift. ON = TRACING=on (every node traces, exporting to a closed port: spans are
# built, sampled, batched and dropped at export, counted) and TENANT=loadtest (the standalone declares it and the
# load tool's sessions and pushes are that tenant's: namespaced keys and rooms, X-Jgoim-Tenant on every push).
# Knobs: REPS (2), SCENARIOS ("fanout push-api"), and run.sh's (SESSIONS, FANOUT_TP_RATE, PUSH_RATES, ...). Results: benchmarks/results/*.json in
# run order; the file names are printed at the end with their configuration.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPS="${REPS:-2}"
SCENARIOS="${SCENARIOS:-fanout push-api}"
: >"${AB_LOG:=/tmp/observability-ab.txt}"
for ((i = 1; i <= REPS; i++)); do
    for cfg in off on; do
        for scenario in $SCENARIOS; do
            before="$(ls "$ROOT"/benchmarks/results/"$scenario"-2*.json 2>/dev/null | sort | tail -1 || true)"
            if [ "$cfg" = on ]; then
                TRACING=on TENANT=loadtest "$ROOT/benchmarks/run.sh" "$scenario"
            else
                TRACING=off TENANT= "$ROOT/benchmarks/run.sh" "$scenario"
            fi
            after="$(ls "$ROOT"/benchmarks/results/"$scenario"-2*.json | sort | tail -1)"
            [ "$after" != "$before" ] && echo "$i $cfg $scenario $after" >>"$AB_LOG"
        done
    done
done
cat "$AB_LOG"
