"""Prints Markdown tables from scenario result JSONs (benchmarks/results/<scenario>-<time>.json).

Usage: report.py RESULT.json...   (one table per file; used to write benchmarks/RESULTS-scenarios.md)
"""
import json
import sys


def ms(x, keys=("p50", "p99", "p999", "max")):
    if not x:
        return "—"
    return " / ".join(f"{x[k]:,.1f}" if x.get(k) is not None else "—" for k in keys)


def n(x, d=0):
    if x is None:
        return "—"
    return f"{x:,.{d}f}"


def header(r):
    m = r["machine"]
    return (f"`{r['command']}` · commit `{r['commit']}` · {r['jdk'].split(' (build')[0]} · {r['gc']} · "
            f"{m['cpus']} vCPU {m['cpu']} · load average before {r['loadAverageBefore']}, after "
            f"{r['loadAverageAfter']} · result `{r['_file']}`")


def idle(r):
    f = r["figures"]
    t = r["targets"]["jvmBytesPerSession"]
    cmd = " ".join(r.get("loadToolCommands", []))
    transport = "TCP only" if "--transport tcp" in cmd else "WebSocket only" if "--transport ws" in cmd \
        else "half TCP, half WebSocket"
    rows = [
        (f"sessions held ({transport}, 2 load processes, 4 source addresses)", n(f.get("sessionsHeld")), ""),
        ("live heap before / holding (after full GC, `GC.class_histogram`)",
         f"{n(f.get('liveHeapBeforeBytes'))} / {n(f.get('liveHeapHeldBytes'))} B", ""),
        ("heap per session", f"{n(f.get('heapBytesPerSession'))} B", ""),
        ("direct memory per session (NMT `Other`)", f"{n(f.get('directBytesPerSession'))} B", ""),
        ("**JVM memory per session** (heap + direct)", f"**{n(f.get('jvmBytesPerSession'))} B**",
         f"≤ 2,048 B: **{t['verdict']}**"),
        ("RSS per session", f"{n(f.get('rssBytesPerSession'))} B", ""),
        ("server CPU while idle (30 s window, 30 s heartbeats)",
         f"{n(f.get('idleCpuPercentOfOneCore'), 2)} % of one core = "
         f"{n(f.get('idleCpuNsPerSessionSecond'), 0)} ns per session-second", ""),
    ]
    out = ["| figure | value | target |", "|---|---|---|"]
    out += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    top = f.get("heapBytesPerSessionByClass")
    if top:
        out.append("")
        out.append("Heap per session by class (histogram after GC, holding minus before): " + ", ".join(
            f"`{k}` {v:,.0f} B" for k, v in top[:10]))
    return out


def fanout(r):
    f = r["figures"]
    out = ["| figure | latency mode | throughput mode | target |", "|---|---|---|---|"]
    a, b = f.get("latencyMode") or {}, f.get("throughputMode") or {}

    def row(name, key, fmt=n, target=""):
        out.append(f"| {name} | {fmt(a.get(key))} | {fmt(b.get(key))} | {target} |")
    tg = r["targets"]
    row("publish rate requested (msgs/s, 64 B, one room)", "rateRequested")
    row("subscribers held", "held")
    row("pushes accepted", "pushesAccepted")
    row("deliveries expected / delivered", "expected")
    out[-1] = (f"| deliveries expected / delivered | {n(a.get('expected'))} / {n(a.get('delivered'))} | "
               f"{n(b.get('expected'))} / {n(b.get('delivered'))} | |")
    out.append(f"| lost (%) / duplicated / out of order | {n(a.get('lossPercent'), 2)} / {n(a.get('duplicates'))} / "
               f"{n(a.get('outOfOrder'))} | {n(b.get('lossPercent'), 2)} / {n(b.get('duplicates'))} / "
               f"{n(b.get('outOfOrder'))} | 0 |")
    row("delivered msgs/s (over the delivery window)", "deliveredPerSecond")
    row("peak delivered in one second", "peakDeliveredInOneSecond")
    out.append(f"| end-to-end latency p50 / p99 / p99.9 / max (ms) | {ms(a.get('e2eMs'))} | {ms(b.get('e2eMs'))} | "
               f"p99 ≤ 150 ms at 20 msgs/s: **{tg.get('latencyModeP99', {}).get('verdict')}** |")
    out.append(f"| server CPU in the window (% of one core) | {n(a.get('serverCpuPercentInWindow'), 1)} | "
               f"{n(b.get('serverCpuPercentInWindow'), 1)} | |")
    out.append(f"| **server CPU per delivered message** | {n(a.get('serverCpuUsPerDelivery'), 3)} µs | "
               f"**{n(b.get('serverCpuUsPerDelivery'), 3)} µs** | ≤ 0.3 µs (throughput): "
               f"**{tg.get('throughputCpuPerDelivery', {}).get('verdict')}** |")
    ca, cb = a.get("cpuSplit") or {}, b.get("cpuSplit") or {}
    out.append(f"| machine busy (% of both cores) / load tool / others (% of one core) | "
               f"{n(ca.get('machineBusyPercentOfAllCores'), 1)} / {n(ca.get('loadToolPercentOfOneCore'), 1)} / "
               f"{n(ca.get('otherPercentOfOneCore'), 1)} | {n(cb.get('machineBusyPercentOfAllCores'), 1)} / "
               f"{n(cb.get('loadToolPercentOfOneCore'), 1)} / {n(cb.get('otherPercentOfOneCore'), 1)} | |")
    ma, mb = a.get("serverCountersPerSecondInProfileWindow") or {}, b.get("serverCountersPerSecondInProfileWindow") or {}
    out.append(f"| job batches/s · messages per batch (profile window) | "
               f"{n(ma.get('jgoim_job_batch_messages_count'), 1)} · {n(ma.get('messagesPerBatch'), 2)} | "
               f"{n(mb.get('jgoim_job_batch_messages_count'), 1)} · {n(mb.get('messagesPerBatch'), 2)} | |")
    out.append(f"| max GC pause (ZGC `Pause ...` lines of the GC log) | {n(a.get('maxGcPauseMs'), 3)} ms "
               f"({a.get('gcPauses')} pauses) | {n(b.get('maxGcPauseMs'), 3)} ms ({b.get('gcPauses')} pauses) | "
               f"< 5 ms: **{tg.get('latencyModeMaxGcPause', {}).get('verdict')}** / "
               f"**{tg.get('throughputModeMaxGcPause', {}).get('verdict')}** |")
    out.append(f"| allocation stalls · max safepoint (any VM operation) | {a.get('allocationStalls')} · "
               f"{n(a.get('maxSafepointMs'), 1)} ms ({a.get('maxSafepointOp')}) | {b.get('allocationStalls')} · "
               f"{n(b.get('maxSafepointMs'), 1)} ms ({b.get('maxSafepointOp')}) | |")
    return out


def storm(r):
    f = r["figures"]
    out = ["| rate requested | connected / attempted | achieved connects+auths/s (% of requested) | "
           "ready p50 / p99 / max (ms) | server CPU µs per session (connect+auth window) | "
           "load-tool CPU µs per session (same window) | whole step: server / load tool µs per session | "
           "machine busy % | accept-queue drops (system-wide) | busiest server threads (% of a core) |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for s in f["steps"]:
        whole = s.get("wholeStep") or s
        split = whole.get("cpuSplit") or {}
        w = s.get("window") or {}
        th = ", ".join(f"{a} {b}" for a, b in (s.get("busiestServerThreadsPercentOfOneCore") or [])[:3])
        out.append(f"| {n(s['rateRequested'])} | {n(s['connected'])} / {n(s['sessions'])} | "
                   f"{n(s['achievedConnectsAuthsPerSecond'])} ({n(s.get('achievedPercentOfRequested'), 1)} %) | "
                   f"{ms(s.get('readyMs'), ('p50', 'p99', 'max'))} | "
                   f"{n(w.get('serverCpuUsPerSession'), 1)} | {n(w.get('loadToolCpuUsPerSession'), 1)} | "
                   f"{n(whole.get('serverCpuUsPerSession'), 1)} / {n(whole.get('loadToolCpuUsPerSession'), 1)} | "
                   f"{n(split.get('machineBusyPercentOfAllCores'), 1)} | {n(s.get('listenDropsSystemWide'))} | {th} |")
    out += degradation(f.get("gracefulDegradation"))
    t = r["targets"]["connectsAuthsPerSecond"]
    lad = f.get("ladder") or {}
    out.append("")
    out.append(f"Best without failures: **{n(t['value'])} connects+auths/s** against ≥ 10,000: **{t['verdict']}**. "
               f"Ladder: {lad.get('why', 'n/a')}"
               + (f" (at {n(lad['stoppedAtRate'])}/s)." if lad.get("stoppedAtRate") else "."))
    return out


def degradation(g):
    """Issue 19's table: one row per offered rate, the median over its repetitions and their spread."""
    if not g or not g.get("rates"):
        return []
    out = ["", "| offered/s | reps | admitted/s median (min..max; spread) | of peak | "
           "admitted of offered (worst rep) | tool offered at least /s | tool start lag p50 ms | tool worker JVMs % of a core (/proc) | machine busy % | verdict |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for x in g["rates"]:
        out.append(f"| {n(x['rateRequested'])} | {x['repetitions']} | {n(x['admittedPerSecondMedian'])} "
                   f"({n(x['admittedPerSecondMin'])}..{n(x['admittedPerSecondMax'])}; "
                   f"{n(x.get('spreadPercentOfMedian'), 1)} %) | {n(100 * x['ratioToPeak'])} % | "
                   f"{n(100 * x['admittedOfOffered'], 1)} % ({n(100 * x['admittedOfOfferedWorstRepetition'], 1)} %) | "
                   f"{n(x.get('toolOfferedAtLeastPerSecondMedian'))} | {n(x.get('toolStartLagP50MsMedian'), 1)} | "
                   f"{n(x.get('toolWorkerJvmsPercentOfOneCoreMedian'), 1)} | "
                   f"{n(x.get('machineBusyPercentMedian'), 1)} | {x['verdict']} |")
    out.append("")
    out.append(f"Peak (median) **{n(g['peakAdmittedPerSecond'])}/s** at {n(g['peakAtRate'])} offered; the server "
               f"saturates at {n(g.get('serverSaturatedAtRate'))}; the tool runs out of CPU at "
               f"{n(g.get('toolSaturatedAtRate'))} ({g['toolSaturationRule']}); issue 19: **{g['verdict']}** "
               f"(worst median {n(g.get('worstRatioToPeakUpToToolSaturation'), 3)} of the peak).")
    return out


def push(r):
    f = r["figures"]
    out = ["| rate requested | accepted / sent | accepted/s | latency p50 / p99 / p99.9 / max (ms) | "
           "per-second p99 after the tool's first 2 s, median / max (ms) | "
           "server CPU µs per push | load-tool CPU µs per push | machine busy % | busiest server threads | "
           "max GC pause |", "|---|---|---|---|---|---|---|---|---|---|"]
    for s in f["steps"]:
        split = s.get("cpuSplit") or {}
        th = ", ".join(f"{a} {b}" for a, b in (s.get("busiestServerThreadsPercentOfOneCore") or [])[:3])
        out.append(f"| {n(s['rateRequested'])} | {n(s['accepted'])} / {n(s['sent'])} | {n(s['acceptedPerSecond'])} | "
                   f"{ms(s.get('latencyMs'))} | {n(s.get('afterFirst2sPerSecondP99MedianMs'), 1)} / "
                   f"{n(s.get('afterFirst2sPerSecondP99MaxMs'), 1)} | {n(s.get('serverCpuUsPerPush'), 1)} | "
                   f"{n(s.get('loadToolCpuUsPerPush'), 1)} | {n(split.get('machineBusyPercentOfAllCores'), 1)} | "
                   f"{th} | {n(s.get('maxGcPauseMs'), 3)} ms |")
    return out


def unicast(r):
    f = r["figures"]
    return ["| figure | value |", "|---|---|",
            f"| sessions (TCP, one mid each) connected | {n(f.get('connected'))} / {n(f.get('sessions'))} |",
            f"| pushes (`/goim/push/mids`, one mid each, round robin) rate · seconds | {n(f.get('rate'))}/s · "
            f"{f.get('seconds')} s |",
            f"| sent / accepted / delivered / lost | {n(f.get('sent'))} / {n(f.get('accepted'))} / "
            f"{n(f.get('delivered'))} / {n(f.get('lost'))} |",
            f"| end-to-end latency p50 / p90 / p99 / p99.9 / max (ms) | "
            f"{ms(f.get('e2eMs'), ('p50', 'p90', 'p99', 'p999', 'max'))} |",
            f"| API reply latency p50 / p90 / p99 / p99.9 / max (ms) | "
            f"{ms(f.get('apiMs'), ('p50', 'p90', 'p99', 'p999', 'max'))} |"]


def main():
    for path in sys.argv[1:]:
        with open(path) as fh:
            r = json.load(fh)
        r["_file"] = "benchmarks/results/" + path.rsplit("/", 1)[-1]
        fn = {"idle": idle, "fanout": fanout, "connect-storm": storm, "push-api": push, "unicast": unicast,
              "connect-storm-cluster": storm}
        print(f"### {r['scenario']}\n")
        print(header(r) + "\n")
        print("\n".join(fn[r["scenario"]](r)))
        print()


if __name__ == "__main__":
    main()
