"""Turns one scenario run directory (benchmarks/results/runs/<scenario>-<time>/) into its result JSON.

Usage: summarize.py SCENARIO RUN_DIR OUT.json --jdk ... --gc ... --commit ... --jar ... --load-before ...
       --load-after ... --server-cmd ... --seconds N

Inputs in RUN_DIR: the load tool's JSON results (<name>.json), cpu.txt ("epoch ticks" lines sampled from
/proc/<server>/stat every 0.5 s), gc.log (the server's -Xlog:gc*,safepoint with utctime decoration), mem-*.json
(jcmd snapshots), idle-window.txt, unicast.json, *.jfr.txt (JFR top frames), commands.txt (exact tool commands).
Every figure in the output names its target and whether it was met; nothing is estimated that was not measured.
"""
import argparse
import datetime
import glob
import json
import os
import platform
import re
import statistics
import sys

CLK_TCK = os.sysconf("SC_CLK_TCK")


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def cpu_samples(run_dir, name="cpu.txt"):
    out = []
    try:
        with open(os.path.join(run_dir, name)) as f:
            for line in f:
                p = line.split()
                if len(p) == 2:
                    out.append((float(p[0]), int(p[1])))
    except OSError:
        pass
    return out


def box_samples(run_dir):
    """(epoch, busy ticks, total ticks, {tool pid: ticks}) per line of box.txt."""
    out = []
    try:
        with open(os.path.join(run_dir, "box.txt")) as f:
            for line in f:
                p = line.split()
                if len(p) == 4:
                    tools = {"all": int(p[3])} if p[3].isdigit() else {}
                    for kv in p[3].split(","):
                        if ":" in kv:
                            k, v = kv.split(":")
                            tools[k] = int(v)
                    out.append((float(p[0]), int(p[1]), int(p[2]), tools))
    except (OSError, ValueError):
        pass
    return out


def tool_ticks(inside):
    """Load-tool CPU ticks over the samples: per pid, last seen minus the value at the window start (0 if it started
    inside the window), so processes that start or exit inside the window are counted correctly."""
    first = inside[0][3]
    last = {}
    for s in inside:
        last.update(s[3])
    return sum(v - first.get(k, 0) for k, v in last.items())


def box_split(run_dir, t0, t1, server_cpu_s=None):
    """Where the machine's CPU went between t0 and t1: all cores busy %, the load tool's JVMs, the server, others."""
    inside = [s for s in box_samples(run_dir) if t0 <= s[0] <= t1]
    if len(inside) < 2:
        return None
    a, b = inside[0], inside[-1]
    span = b[0] - a[0]
    ncpu = os.cpu_count() or 1
    busy = (b[1] - a[1]) / max(b[2] - a[2], 1) * 100.0
    tool = tool_ticks(inside) / CLK_TCK / span * 100.0
    out = {"seconds": round(span, 1), "machineBusyPercentOfAllCores": round(busy, 1),
           "loadToolPercentOfOneCore": round(tool, 1)}
    if server_cpu_s is not None:
        server = server_cpu_s * 100.0
        out["serverPercentOfOneCore"] = round(server, 1)
        out["otherPercentOfOneCore"] = round(busy * ncpu - server - tool, 1)
    return out


def cpu_seconds(samples, t0, t1):
    """Server CPU seconds between t0 and t1 (epoch seconds), from the nearest samples inside the window."""
    inside = [s for s in samples if t0 <= s[0] <= t1]
    if len(inside) < 2:
        return None, None
    return (inside[-1][1] - inside[0][1]) / CLK_TCK, inside[-1][0] - inside[0][0]


LINE = re.compile(r"^\[(\d{4}-\d\d-\d\dT[\d:.]+[+-]\d{4})\]")
PAUSE = re.compile(r"Pause ([A-Za-z ]+?)(?: \([^)]*\))? ([\d.]+)ms")
# G1: "GC(3) Pause Young (Normal) (G1 Evacuation Pause) 22M->6M(380M) 10.392ms", "GC(2) Pause Remark 10M->10M(37M) 2.9ms"
G1_PAUSE = re.compile(r"\] GC\(\d+\) Pause (Young|Remark|Cleanup|Full)\b.* ([\d.]+)ms\s*$")
STALL = re.compile(r"Allocation Stall \(([^)]*)\) ([\d.]+)ms")
SAFEPOINT = re.compile(r'Safepoint "([^"]+)".*Total: (\d+) ns')


def gc_events(run_dir):
    """(epoch, kind, name, ms) for every GC pause, allocation stall and safepoint in the server's GC log."""
    events = []
    try:
        f = open(os.path.join(run_dir, "gc.log"))
    except OSError:
        return events
    with f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            t = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
            p = PAUSE.search(line) or G1_PAUSE.search(line)
            if p:
                events.append((t, "pause", p.group(1).strip(), float(p.group(2))))
                continue
            s = STALL.search(line)
            if s:
                events.append((t, "stall", s.group(1), float(s.group(2))))
                continue
            sp = SAFEPOINT.search(line)
            if sp:
                events.append((t, "safepoint", sp.group(1), int(sp.group(2)) / 1e6))
    return events


def gc_summary(events, t0, t1):
    inside = [e for e in events if t0 <= e[0] <= t1]
    pauses = [e for e in inside if e[1] == "pause"]
    stalls = [e for e in inside if e[1] == "stall"]
    sps = [e for e in inside if e[1] == "safepoint"]
    worst = max(pauses, key=lambda e: e[3], default=None)
    worst_sp = max(sps, key=lambda e: e[3], default=None)
    return {
        "gcPauses": len(pauses),
        "maxGcPauseMs": worst[3] if worst else 0.0,
        "maxGcPauseKind": worst[2] if worst else None,
        "allocationStalls": len(stalls),
        "maxAllocationStallMs": max((e[3] for e in stalls), default=0.0),
        "safepoints": len(sps),
        "maxSafepointMs": round(worst_sp[3], 3) if worst_sp else 0.0,
        "maxSafepointOp": worst_sp[2] if worst_sp else None,
    }


def metrics(path):
    """Sums Prometheus samples by metric name (labels dropped) for the jgoim_* series."""
    out = {}
    try:
        with open(path) as f:
            for line in f:
                if line.startswith("jgoim_"):
                    name = re.split(r"[{ ]", line, 1)[0]
                    try:
                        out[name] = out.get(name, 0.0) + float(line.rsplit(" ", 1)[1])
                    except ValueError:
                        pass
    except OSError:
        return None
    return out


def metrics_window(run_dir, name, seconds=12.0):
    """Per-second deltas of the server's own counters across the profile window (batches, frames out, drops)."""
    a = metrics(os.path.join(run_dir, name + "-metrics-0.txt"))
    b = metrics(os.path.join(run_dir, name + "-metrics-1.txt"))
    if not a or not b:
        return None
    d = {k: round((b[k] - a.get(k, 0.0)) / seconds, 1) for k in b
         if not k.endswith("_max") and b[k] - a.get(k, 0.0) != 0}
    bc, bs = d.get("jgoim_job_batch_messages_count"), d.get("jgoim_job_batch_messages_sum")
    if bc:
        d["messagesPerBatch"] = round(bs / bc, 2)
    return d


def thread_cpu(run_dir, name, top=8):
    """Busiest server threads between two bench_thread_cpu snapshots, in % of one core (names merged by pool)."""
    def read(path):
        with open(path) as f:
            lines = f.read().split("\n")
        t = float(lines[0])
        per = {}
        for line in lines[1:]:
            p = line.split()
            if len(p) == 3:
                per[p[0]] = (int(p[1]), p[2])
        return t, per
    try:
        t0, a = read(os.path.join(run_dir, name + "-threads-0.txt"))
        t1, b = read(os.path.join(run_dir, name + "-threads-1.txt"))
    except (OSError, ValueError, IndexError):
        return None
    rows = []
    for tid, (ticks, comm) in b.items():
        d = ticks - a.get(tid, (0, comm))[0]
        if d > 0:
            rows.append((d, comm))
    rows.sort(reverse=True)
    span = t1 - t0
    return [[comm, round(100.0 * d / CLK_TCK / span, 1)] for d, comm in rows[:top]]


def thread_us_per_delivery(run_dir, name):
    """Server CPU per delivery by thread group over the bench_thread_cpu window, with the tool's deliveries in it."""
    try:
        snaps = []
        for i in (0, 1):
            with open(os.path.join(run_dir, "%s-threads-%d.txt" % (name, i))) as f:
                lines = f.read().split("\n")
            snaps.append((float(lines[0]), {p[0]: (int(p[1]), p[2]) for p in (x.split() for x in lines[1:])
                                            if len(p) == 3}))
        tool = load(os.path.join(run_dir, name + ".json"))
    except (OSError, ValueError, IndexError):
        return None
    (t0, a), (t1, b) = snaps
    secs = [s for s in (tool or {}).get("samples", []) if t0 <= s["epochSecond"] and s["epochSecond"] + 1 <= t1]
    n = sum(s["rates"].get("messages.delivered", 0) for s in secs)
    if not secs or not n:
        return None
    per_s = n / len(secs)

    def group(comm):
        for prefix, g in (("comet-io", "eventLoops"), ("comet-rpc", "cometRpc"), ("C1_", "jit"), ("C2_", "jit"),
                          ("Z", "gc"), ("GC", "gc"), ("G1", "gc"), ("jgoim-cpu", "cpuMonitor"), ("job-lane", "jobLanes"),
                          ("logic-http", "httpApiAndMetrics")):
            if comm.startswith(prefix):
                return g
        return "other"
    out = {}
    for tid, (ticks, comm) in b.items():
        d = ticks - a.get(tid, (0, comm))[0]
        if d > 0:
            out[group(comm)] = out.get(group(comm), 0) + d / CLK_TCK / (t1 - t0)
    res = {k: round(v / per_s * 1e6, 2) for k, v in sorted(out.items(), key=lambda kv: -kv[1])}
    res["total"] = round(sum(out.values()) / per_s * 1e6, 2)
    res["deliveriesPerSecond"] = round(per_s)
    return res


def lat(d, key):
    x = (d or {}).get("latencies", {}).get(key)
    if not x:
        return None
    return {k: round(x[k] / 1000.0, 3) for k in ("p50", "p90", "p99", "p999", "max") if k in x}


def verdict(value, target, smaller_is_better=True):
    if value is None:
        return "not measured"
    return "met" if (value <= target if smaller_is_better else value >= target) else "MISSED"


def histo(path):
    out = {}
    try:
        with open(path) as f:
            for line in f:
                p = line.split()
                if len(p) >= 4 and p[0].endswith(":"):
                    out[p[3]] = out.get(p[3], 0) + int(p[2])
    except (OSError, ValueError):
        return None
    return out


def histo_delta(before_path, held_path, n):
    """The classes that grew most between two class histograms, in bytes per session."""
    b, h = histo(before_path), histo(held_path)
    if not b or not h or not n:
        return None
    d = sorted(((h[k] - b.get(k, 0), k) for k in h), reverse=True)[:15]
    return [[k, round(v / n, 1)] for v, k in d if v > 0]


def idle(run_dir):
    tool = load(os.path.join(run_dir, "idle.json"))
    before = load(os.path.join(run_dir, "mem-before.json"))
    held = load(os.path.join(run_dir, "mem-held.json"))
    counts = (tool or {}).get("counts", {})
    n = counts.get("sessions.held") or counts.get("sessions.connected")
    fig = {"sessionsAttempted": counts.get("sessions.attempted"), "sessionsHeld": n,
           "failures": (tool or {}).get("failures")}
    if before and held and n:
        heap = (held["liveHeapBytes"] - before["liveHeapBytes"]) / n
        direct = ((held["nmtOtherKb"] or 0) - (before["nmtOtherKb"] or 0)) * 1024 / n
        fig.update({
            "liveHeapBeforeBytes": before["liveHeapBytes"], "liveHeapHeldBytes": held["liveHeapBytes"],
            "heapBytesPerSession": round(heap),
            "nmtOtherBeforeKb": before["nmtOtherKb"], "nmtOtherHeldKb": held["nmtOtherKb"],
            "directBytesPerSession": round(direct),
            "jvmBytesPerSession": round(heap + direct),
            "rssBeforeKb": before["rssKb"], "rssHeldKb": held["rssKb"],
            "rssBytesPerSession": round((held["rssKb"] - before["rssKb"]) * 1024 / n),
        })
    try:
        with open(os.path.join(run_dir, "idle-window.txt")) as f:
            t0, t1 = [float(x) for x in f.read().split()[:2]]
        cpu, span = cpu_seconds(cpu_samples(run_dir), t0, t1)
        if cpu is not None:
            fig["idleWindowSeconds"] = round(span, 1)
            fig["idleCpuSeconds"] = round(cpu, 2)
            fig["idleCpuPercentOfOneCore"] = round(100 * cpu / span, 2)
            fig["cpuSplit"] = box_split(run_dir, t0, t1, cpu / span)
            if n:
                fig["idleCpuNsPerSessionSecond"] = round(cpu / span / n * 1e9, 1)
            fig["idleThreadsPercentOfOneCore"] = thread_cpu(run_dir, "idle", top=12)
    except (OSError, ValueError):
        pass
    try:
        with open(os.path.join(run_dir, "sockets-end.txt")) as f:
            fig["serverSocketsAtEndOfIdleWindow"] = int(f.read().strip())
    except (OSError, ValueError):
        pass
    if tool:
        fig["ready"] = lat(tool, "ready")
    top = histo_delta(os.path.join(run_dir, "mem-before.histo"), os.path.join(run_dir, "mem-held.histo"), n)
    if top:
        fig["heapBytesPerSessionByClass"] = top
    targets = {"jvmBytesPerSession": {"target": "<= 2048 B (heap after GC + direct)",
                                      "verdict": verdict(fig.get("jvmBytesPerSession"), 2048)}}
    return fig, targets


def fanout_run(run_dir, name, events, cpu):
    tool = load(os.path.join(run_dir, name + ".json"))
    if not tool:
        return None
    c = tool["counts"]
    deliv = [s for s in tool.get("samples", []) if s["rates"].get("messages.delivered", 0) > 0]
    fig = {
        "rateRequested": tool["parameters"].get("rate"),
        "durationRequested": tool["parameters"].get("duration"),
        "subscribers": c.get("sessions.subscribed"), "held": c.get("sessions.held"),
        "pushesSent": c.get("messages.sent"), "pushesAccepted": c.get("messages.accepted"),
        "expected": c.get("messages.expected"), "delivered": c.get("messages.delivered"),
        "distinct": c.get("messages.distinct"), "lost": c.get("messages.lost"),
        "duplicates": c.get("messages.duplicates"), "outOfOrder": c.get("messages.outOfOrder"),
        "e2eMs": lat(tool, "e2e"), "publisherMs": lat(tool, "push"),
        "failures": tool.get("failures"),
    }
    if c.get("messages.expected"):
        fig["lossPercent"] = round(100.0 * c.get("messages.lost", 0) / c["messages.expected"], 4)
    if deliv:
        t0, t1 = deliv[0]["epochSecond"], deliv[-1]["epochSecond"] + 1
        n = sum(s["rates"]["messages.delivered"] for s in deliv)
        cpu_s, span = cpu_seconds(cpu, t0, t1)
        fig["deliveryWindowSeconds"] = t1 - t0
        fig["deliveredPerSecond"] = round(n / (t1 - t0))
        fig["peakDeliveredInOneSecond"] = max(s["rates"]["messages.delivered"] for s in deliv)
        if cpu_s is not None:
            # scale the sampled span to the window (samples every 0.5 s sit inside it)
            fig["serverCpuSecondsInWindow"] = round(cpu_s, 2)
            fig["serverCpuPercentInWindow"] = round(100 * cpu_s / span, 1)
            fig["serverCpuUsPerDelivery"] = round(cpu_s / span * (t1 - t0) / n * 1e6, 3)
            fig["cpuSplit"] = box_split(run_dir, t0, t1, cpu_s / span)
        per_sec = [(s["epochSecond"] - t0, s["latency"]["e2e"]["p50"] / 1000, s["latency"]["e2e"]["p99"] / 1000)
                   for s in deliv if "e2e" in s.get("latency", {})]
        fig["perSecondE2eP50P99Ms"] = [[a, round(b, 1), round(cc, 1)] for a, b, cc in per_sec]
        last = per_sec[len(per_sec) // 2:]
        if last:
            fig["secondHalfMaxPerSecondP99Ms"] = round(max(x[2] for x in last), 1)
        fig.update(gc_summary(events, t0 - 1, t1 + 1))
    fig["serverCountersPerSecondInProfileWindow"] = metrics_window(run_dir, name)
    fig["busiestServerThreadsInProfileWindowPercentOfOneCore"] = thread_cpu(run_dir, name)
    return fig


def fanout(run_dir):
    events = gc_events(run_dir)
    cpu = cpu_samples(run_dir)
    lat_mode = fanout_run(run_dir, "latency", events, cpu)
    tp_mode = fanout_run(run_dir, "throughput", events, cpu)
    end = metrics(os.path.join(run_dir, "end-metrics.txt")) or {}
    fig = {"latencyMode": lat_mode, "throughputMode": tp_mode,
           "serverCountersAtEnd": {k: v for k, v in end.items() if "drop" in k or "closes" in k or "failures" in k},
           "wholeRunGc": gc_summary(events, 0, 1e12)}
    targets = {}
    if lat_mode:
        targets["latencyModeP99"] = {"target": "p99 <= 150 ms at 15,000 sessions and 20 msgs/s",
                                     "value": (lat_mode["e2eMs"] or {}).get("p99"),
                                     "verdict": verdict((lat_mode["e2eMs"] or {}).get("p99"), 150)}
        targets["latencyModeMaxGcPause"] = {"target": "< 5 ms", "value": lat_mode.get("maxGcPauseMs"),
                                            "verdict": verdict(lat_mode.get("maxGcPauseMs"), 4.999)}
    if tp_mode:
        targets["throughputCpuPerDelivery"] = {"target": "<= 0.3 us server CPU per delivered message",
                                               "value": tp_mode.get("serverCpuUsPerDelivery"),
                                               "verdict": verdict(tp_mode.get("serverCpuUsPerDelivery"), 0.3)}
        targets["throughputModeMaxGcPause"] = {"target": "< 5 ms", "value": tp_mode.get("maxGcPauseMs"),
                                               "verdict": verdict(tp_mode.get("maxGcPauseMs"), 4.999)}
    return fig, targets


def step_cpu(run_dir, d, count, unit):
    """Server and load-tool CPU per unit over one tool run (its startedAt + durationSeconds), and the CPU split."""
    out = {}
    try:
        t0 = datetime.datetime.fromisoformat(d["startedAt"].replace("Z", "")[:26] + "+00:00").timestamp()
    except (KeyError, ValueError):
        return out
    if not count:
        return out
    t1 = t0 + d.get("durationSeconds", 0)
    cpu_s, span = cpu_seconds(cpu_samples(run_dir), t0 - 0.5, t1 + 0.5)
    split = box_split(run_dir, t0 - 0.5, t1 + 0.5, cpu_s / span if cpu_s else None)
    out["stepSeconds"] = round(t1 - t0, 1)
    g = gc_summary(gc_events(run_dir), t0, t1)
    out["maxGcPauseMs"], out["maxSafepointMs"], out["allocationStalls"] = \
        g["maxGcPauseMs"], g["maxSafepointMs"], g["allocationStalls"]
    if cpu_s is not None:
        out["serverCpuUsPer" + unit] = round(cpu_s / count * 1e6, 1)
    # cluster runs: every role's own CPU over the step (cpu-<role>.txt: comet, logic, redis, kafka)
    roles = {}
    for path in sorted(glob.glob(os.path.join(run_dir, "cpu-*.txt"))):
        role = os.path.basename(path)[4:-4]
        r_s, r_span = cpu_seconds(cpu_samples(run_dir, os.path.basename(path)), t0 - 0.5, t1 + 0.5)
        if r_s is not None:
            roles[role] = {"percentOfOneCore": round(100 * r_s / r_span, 1),
                           "cpuUsPer" + unit: round(r_s / count * 1e6, 1)}
    if roles:
        out["processCpu"] = roles
    if split:
        out["loadToolCpuUsPer" + unit] = round(split["loadToolPercentOfOneCore"] / 100 * split["seconds"] / count * 1e6,
                                               1)
        out["cpuSplit"] = split
    return out


def storm_worker_profile(run_dir, name, top=6):
    """Top frames (self, by CPU time on JDK 25) of the first worker JVM's JFR summary of one step, as strings."""
    out = []
    for path in sorted(glob.glob(os.path.join(run_dir, "%s-worker-*.jfr.txt" % name)))[:1]:
        try:
            with open(path) as f:
                lines = f.read().splitlines()
        except OSError:
            continue
        try:
            i = lines.index("top frames (self):")
        except ValueError:
            continue
        out = [x.strip() for x in lines[i + 1:i + 1 + top]]
    return out


def ladder(run_dir):
    """ladder.txt: one "RATE VERDICT" line per step, then "end of ladder" when no step stopped it."""
    try:
        with open(os.path.join(run_dir, "ladder.txt")) as f:
            lines = [x.strip() for x in f if x.strip()]
    except OSError:
        return None
    if "end of ladder" in lines:
        return {"stoppedAtRate": None, "why": "end of ladder: every step ran (see each step's verdict)"}
    for x in lines:
        rate, _, verdict = x.partition(" ")
        if rate.isdigit() and verdict != "ok":
            return {"stoppedAtRate": int(rate), "why": verdict}
    return {"stoppedAtRate": None, "why": "the ladder did not finish"}


def open_files(run_dir):
    """fds.txt (storm_quiesce): the server's open files before the ladder (and its limit), and before each step with
    the seconds the step waited for the last one's sessions to close."""
    try:
        with open(os.path.join(run_dir, "fds.txt")) as f:
            lines = [x.split() for x in f if x.strip()]
    except OSError:
        return None
    head = " ".join(lines[0]) if lines and not lines[0][0].startswith("storm-") else None
    steps = {p[0]: {"openFiles": int(p[1]), "waitedSeconds": int(p[2])} for p in lines
             if len(p) == 3 and p[0].startswith("storm-")}
    return {"beforeLadder": head, "beforeEachStep": steps}


STEP_NAME = re.compile(r"^storm-(\d+)(?:-r(\d+))?\.json$")


def storm_steps(run_dir):
    """The ladder's step names in the order they ran (steps.txt "RATE start EPOCH NAME"; older runs: by rate)."""
    names = []
    try:
        with open(os.path.join(run_dir, "steps.txt")) as f:
            for line in f:
                p = line.split()
                if len(p) >= 3 and p[1] == "start":
                    names.append(p[3] if len(p) > 3 else "storm-" + p[0])
    except OSError:
        pass
    found = {os.path.basename(x)[:-5] for x in glob.glob(os.path.join(run_dir, "storm-*.json"))
             if STEP_NAME.match(os.path.basename(x))}
    ordered = [n for n in names if n in found]
    rest = sorted(found - set(ordered), key=lambda n: [int(x) for x in re.findall(r"\d+", n)])
    return ordered + rest


def tool_proc_cpu(run_dir, name, t0, t1):
    """The load tool's CPU between t0 and t1 from NAME-toolcpu.txt (storm_tool_cpu: /proc every 0.2 s, outside the
    tool): its worker JVMs' and its parent's CPU in % of one core, each worker's, and the machine's busy share. Each
    counter is interpolated linearly to t0 and t1 between the samples around them (a window of a second or two
    would otherwise lose up to 0.4 s at its edges, and its start is where the tool connects hardest); None unless
    samples lie on both sides of the window."""
    rows = []
    try:
        with open(os.path.join(run_dir, name + "-toolcpu.txt")) as f:
            for line in f:
                p = line.split()
                if len(p) < 3:
                    continue
                counters = {"busy": (int(p[1]), "m"), "total": (int(p[2]), "m")}
                for kv in p[3:]:
                    pid, ticks, role = kv.split(":")
                    counters[pid] = (int(ticks), role)
                rows.append((float(p[0]), counters))
    except (OSError, ValueError):
        return None
    if not rows or rows[0][0] > t0 or rows[-1][0] < t1 or t1 <= t0:
        return None

    def at(key, t):
        # a process absent from a sample had not started (0 ticks) or had exited (its last value)
        last = 0
        prev = None
        for ts, c in rows:
            v = c[key][0] if key in c else last
            last = v
            if ts >= t:
                if prev is None or ts == prev[0]:
                    return v
                return prev[1] + (v - prev[1]) * (t - prev[0]) / (ts - prev[0])
            prev = (ts, v)
        return last

    roles = {}
    for _, c in rows:
        for k, (_, role) in c.items():
            roles[k] = role
    span = t1 - t0

    def pct(key):
        return 100.0 * (at(key, t1) - at(key, t0)) / CLK_TCK / span

    workers = sorted((round(pct(k), 1) for k, r in roles.items() if r == "w"), reverse=True)
    parent = sum(pct(k) for k, r in roles.items() if r == "p")
    busy = at("busy", t1) - at("busy", t0)
    total = at("total", t1) - at("total", t0)
    return {"seconds": round(span, 3),
            "workerJvmsPercentOfOneCore": round(sum(workers), 1),
            "perWorkerJvmPercentOfOneCore": workers,
            "parentJvmPercentOfOneCore": round(parent, 1),
            "machineBusyPercentOfAllCores": round(100.0 * busy / total, 1) if total > 0 else None,
            "cores": os.cpu_count() or 1}


def storm(run_dir):
    steps = []
    for order, name in enumerate(storm_steps(run_dir)):
        d = load(os.path.join(run_dir, name + ".json"))
        if not d:
            continue
        rep = STEP_NAME.match(name + ".json").group(2)
        c = d["counts"]
        rate = d["parameters"]["connectRate"]
        n = d["parameters"]["sessions"]
        ready = d["latencies"].get("ready", {})
        connected = c.get("sessions.connected", 0)
        w = d.get("window")
        if w:
            # the tool's own window: first scheduled start to last auth reply over all workers (warm, JVM start
            # excluded), and the CPU of the tool and of the server inside it
            achieved = round(w["perSecond"])
            window = {"definition": w["definition"], "seconds": round(w["seconds"], 3),
                      "loadToolCpuUsPerSession": w["toolCpuUsPerSession"],
                      "serverCpuUsPerSession": w["serverCpuUsPerSession"],
                      "loadToolCpuSecondsByThreadPool": w.get("toolThreadsCpuSeconds")}
        else:
            # results of older tools: the last session became ready at most (n-1)/rate + max(ready) after the first
            span = (n - 1) / rate + ready.get("max", 0) / 1e6
            achieved = round(connected / span) if span > 0 else None
            window = None
        steps.append({
            "step": name, "repetition": int(rep) if rep else 1, "order": order,
            "rateRequested": rate, "sessions": n, "warmupSessions": d["parameters"].get("warmup"),
            "connected": connected, "failed": n - connected, "failures": d.get("failures"),
            "achievedConnectsAuthsPerSecond": achieved,
            "achievedPercentOfRequested": round(100.0 * achieved / rate, 1) if achieved else None,
            "window": window,
            "readyMs": lat(d, "ready"), "connectMs": lat(d, "connect"), "authMs": lat(d, "auth"),
            "serverCpuSecondsWholeRun": d.get("server", {}).get("cpuSeconds"),
        })
        # the whole step (worker JVM start, warm-up, connect, auth, 2 s hold, close): server and load-tool CPU per
        # session, machine busy
        steps[-1]["wholeStep"] = step_cpu(run_dir, d, connected, "Session")
        steps[-1]["busiestServerThreadsPercentOfOneCore"] = thread_cpu(run_dir, name)
        if w and w.get("firstStartEpochUs"):
            # the tool's processes from /proc over the same window as its admitted rate
            steps[-1]["loadToolProcCpuInWindow"] = tool_proc_cpu(run_dir, name, w["firstStartEpochUs"] / 1e6,
                                                                 w["lastAuthEpochUs"] / 1e6)
        try:
            with open(os.path.join(run_dir, name + "-listen-drops.txt")) as f:
                v = [int(x) for x in f.read().split()]
            # full accept queues (system-wide counter): each drop costs its client a 1 s SYN retransmit
            steps[-1]["listenDropsSystemWide"] = v[1] - v[0] if len(v) == 2 else None
        except (OSError, ValueError):
            pass
        prof = storm_worker_profile(run_dir, name)
        if prof:
            steps[-1]["loadToolWorkerTopFramesByCpu"] = prof
        steps[-1].update(storm_admission(d))
    clean = [s for s in steps if s["failed"] == 0]
    best = max(clean, key=lambda s: s["achievedConnectsAuthsPerSecond"] or 0, default=None)
    fig = {"steps": steps, "bestWithoutFailures": best, "ladder": ladder(run_dir),
           "serverOpenFiles": open_files(run_dir),
           "firstRateWithFailures": next((s["rateRequested"] for s in steps if s["failed"] > 0), None)}
    v = best["achievedConnectsAuthsPerSecond"] if best else None
    targets = {"connectsAuthsPerSecond": {"target": ">= 10,000 connects+auths/s standalone", "value": v,
                                          "verdict": verdict(v, 10000, smaller_is_better=False)}}
    degradation = graceful_degradation(steps)
    if degradation:
        fig["gracefulDegradation"] = degradation
        targets["admittedAtLeast90PercentOfPeak"] = {
            "target": "issue 19: past saturation the admitted rate stays >= 90 % of its peak, up to the step where "
                      "the load tool runs out of CPU",
            "value": degradation["worstRatioToPeakUpToToolSaturation"],
            "verdict": degradation["verdict"]}
    return fig, targets


# A step where the tool started its sessions this late (median) could not keep the offered rate itself.
TOOL_LAG_SATURATED_MS = 100.0


def storm_admission(d):
    """One step's admitted rate (auth OK per second: the window's, and per second of the run), the tool's start
    lag and CPU in the window, and with --retry-refused its attempts, refusals by code and admissions by attempt."""
    w = d.get("window") or {}
    out = {"admittedPerSecond": round(w["perSecond"]) if w.get("perSecond") is not None else None,
           "admittedPerSecondSeries": [s["latency"].get("ready", {}).get("count", 0) for s in d.get("samples", [])
                                       if s.get("latency", {}).get("ready", {}).get("count")],
           "toolStartLagMs": lat(d, "lag")}
    if w.get("seconds"):
        out["loadToolPercentOfOneCoreInWindow"] = round(100.0 * w.get("toolCpuSeconds", 0) / w["seconds"], 1)
    c = d.get("counts", {})
    if d.get("parameters", {}).get("retryRefused"):
        by_attempt = {k.rsplit(".", 1)[1]: v for k, v in c.items() if k.startswith("admitted.attempt.")}
        out["retry"] = {"attempts": c.get("sessions.attempts", 0),
                        "refusalsByCode": {k[len("refused "):]: v for k, v in c.items() if k.startswith("refused ")},
                        "admittedByAttempt": dict(sorted(by_attempt.items(), key=lambda kv: int(kv[0]))),
                        "timeToAdmissionMs": lat(d, "ready"),
                        "retryFor": d["parameters"].get("retryFor")}
    return out


def graceful_degradation(steps):
    """Issue 19's criterion over the ladder, on each offered rate's MEDIAN over its repetitions (a step measures a
    window of a few seconds on shared cores: one step alone wanders +-15 %). Per rate: the median admitted rate and
    its spread (min, max, (max - min) / median), the count-based share of offered sessions admitted, the median of
    the tool's start lag p50 and of its worker JVMs' CPU (from /proc, in the window). The tool is out of CPU from the
    first rate whose median start lag p50 exceeds TOOL_LAG_SATURATED_MS (it no longer offers what it is told to);
    the peak is the highest median below that rate; the server saturates at the first rate whose median admitted
    rate is under 90 % of the offered one; from there up to the tool's saturation each rate's median must be
    >= 90 % of the peak."""
    rated = [s for s in steps if s.get("admittedPerSecond")]
    if not rated:
        return None
    by_rate = {}
    for s in rated:
        by_rate.setdefault(s["rateRequested"], []).append(s)
    rates = []
    for rate in sorted(by_rate):
        ss = sorted(by_rate[rate], key=lambda s: s.get("order", 0))
        adm = [s["admittedPerSecond"] for s in ss]
        med = statistics.median(adm)
        lags = [(s.get("toolStartLagMs") or {}).get("p50") for s in ss]
        lags = [x for x in lags if x is not None]
        procs = [s.get("loadToolProcCpuInWindow") or {} for s in ss]
        workers = [x["workerJvmsPercentOfOneCore"] for x in procs if x.get("workerJvmsPercentOfOneCore") is not None]
        busy = [x["machineBusyPercentOfAllCores"] for x in procs if x.get("machineBusyPercentOfAllCores") is not None]
        own = [s["loadToolPercentOfOneCoreInWindow"] for s in ss if s.get("loadToolPercentOfOneCoreInWindow")]
        # what the tool really offered, at least: the last session started no later than the schedule's end plus the
        # largest start lag, so sessions / (schedule + max lag) bounds the rate it started them at from below
        offered = [round(s["sessions"] / (s["sessions"] / rate + s["toolStartLagMs"]["max"] / 1000.0))
                   for s in ss if (s.get("toolStartLagMs") or {}).get("max") is not None and rate > 0]
        rates.append({
            "rateRequested": rate, "repetitions": len(ss),
            "admittedPerSecondMedian": round(med),
            "admittedPerSecondByRepetition": adm,
            "admittedPerSecondMin": min(adm), "admittedPerSecondMax": max(adm),
            "spreadPercentOfMedian": round(100.0 * (max(adm) - min(adm)) / med, 1) if med else None,
            "windowSecondsByRepetition": [(s.get("window") or {}).get("seconds") for s in ss],
            # count-based, so a step whose refusals ended it sooner does not look faster: of the sessions the
            # repetitions offered, the share that got in (all of them, and the worst repetition)
            "admittedOfOffered": round(sum(s["connected"] for s in ss) / sum(s["sessions"] for s in ss), 4),
            "admittedOfOfferedWorstRepetition": round(min(s["connected"] / s["sessions"] for s in ss), 4),
            "refused": sum(s["failed"] for s in ss),
            "toolStartLagP50MsMedian": round(statistics.median(lags), 1) if lags else None,
            "toolStartLagP50MsByRepetition": lags,
            "toolOfferedAtLeastPerSecondMedian": round(statistics.median(offered)) if offered else None,
            "toolOfferedAtLeastPerSecondByRepetition": offered,
            "toolWorkerJvmsPercentOfOneCoreMedian": round(statistics.median(workers), 1) if workers else None,
            "toolWorkerJvmsPercentOfOneCoreByRepetition": workers,
            "toolOwnCpuPercentOfOneCoreMedian": round(statistics.median(own), 1) if own else None,
            "machineBusyPercentMedian": round(statistics.median(busy), 1) if busy else None,
            # full accept queues (system-wide): each drop costs its client a 1 s SYN retransmit, and a window that
            # ends on one is a second longer
            "listenDropsByRepetition": [s.get("listenDropsSystemWide") for s in ss],
        })
    tool_sat = next((r["rateRequested"] for r in rates
                     if (r["toolStartLagP50MsMedian"] or 0) > TOOL_LAG_SATURATED_MS), None)
    within = [r for r in rates if tool_sat is None or r["rateRequested"] < tool_sat] or rates
    peak = max(within, key=lambda r: r["admittedPerSecondMedian"])
    server_sat = next((r["rateRequested"] for r in rates
                       if r["admittedPerSecondMedian"] < 0.9 * r["rateRequested"]), None)
    worst = None
    for r in rates:
        r["ratioToPeak"] = round(r["admittedPerSecondMedian"] / peak["admittedPerSecondMedian"], 3)
        if tool_sat is not None and r["rateRequested"] >= tool_sat:
            r["verdict"] = "tool saturated (criterion does not apply)"
        elif server_sat is None or r["rateRequested"] < server_sat:
            r["verdict"] = "below saturation (admitted >= 90 % of offered)"
        else:
            r["verdict"] = "admitted >= 90 % of peak: " + ("PASS" if r["ratioToPeak"] >= 0.9 else "FAIL")
            worst = r["ratioToPeak"] if worst is None else min(worst, r["ratioToPeak"])
    rows = []
    for s in sorted(rated, key=lambda s: s.get("order", 0)):
        rows.append({"step": s.get("step"), "repetition": s.get("repetition", 1),
                     "rateRequested": s["rateRequested"], "admittedPerSecond": s["admittedPerSecond"],
                     "ratioToPeak": round(s["admittedPerSecond"] / peak["admittedPerSecondMedian"], 3),
                     "windowSeconds": (s.get("window") or {}).get("seconds"),
                     "toolStartLagP50Ms": (s.get("toolStartLagMs") or {}).get("p50"),
                     "loadToolPercentOfOneCoreInWindow": s.get("loadToolPercentOfOneCoreInWindow"),
                     "loadToolProcCpuInWindow": s.get("loadToolProcCpuInWindow"),
                     "refused": s["failed"],
                     "admittedOfOffered": round(s["connected"] / s["sessions"], 4) if s.get("sessions") else None})
    spreads = [r["spreadPercentOfMedian"] for r in rates if r["repetitions"] > 1 and r["spreadPercentOfMedian"]]
    return {"definition": "per offered rate, the median over its repetitions (order alternates ascending and "
                          "descending); peak = the highest median below the tool's saturation; verdict: every "
                          "median from the server's saturation up to the tool's >= 90 % of the peak",
            "peakAdmittedPerSecond": peak["admittedPerSecondMedian"], "peakAtRate": peak["rateRequested"],
            "serverSaturatedAtRate": server_sat, "toolSaturatedAtRate": tool_sat,
            "toolSaturationRule": "first offered rate whose median (over repetitions) start lag p50 (scheduled "
                                  "start to the tool's connect call) exceeds %.0f ms" % TOOL_LAG_SATURATED_MS,
            "rates": rates, "steps": rows, "worstRatioToPeakUpToToolSaturation": worst,
            "largestSpreadPercentOfMedian": max(spreads, default=None),
            "worstAdmittedOfOfferedPastSaturation": min(
                (r["admittedOfOfferedWorstRepetition"] for r in rates if r["verdict"].startswith("admitted >=")),
                default=None),
            "verdict": None if worst is None else ("PASS" if worst >= 0.9 else "FAIL")}


def push_api(run_dir):
    steps = []
    for path in sorted(glob.glob(os.path.join(run_dir, "push-*.json")),
                       key=lambda p: int(re.search(r"push-(\d+)", p).group(1))):
        d = load(path)
        if not d:
            continue
        c = d["counts"]
        dur = d.get("durationSeconds") or 1
        steps.append({
            "rateRequested": d["parameters"]["rate"], "sent": c.get("messages.sent"),
            "accepted": c.get("messages.accepted"), "failures": d.get("failures"),
            # due but held back by the tool's --max-in-flight (its own limit, not a server failure)
            "notSentToolLimit": c.get("messages.notSent", 0),
            "acceptedPerSecond": round(c.get("messages.accepted", 0) / dur),
            "latencyMs": lat(d, "push"),
            "serverCpuSeconds": d.get("server", {}).get("cpuSeconds"),
        })
        steps[-1].update(step_cpu(run_dir, d, c.get("messages.accepted", 0), "Push"))
        # a fresh load-tool JVM per step: its first two seconds carry its own JIT; the rest is the steady state
        per = [s["latency"]["push"] for s in d.get("samples", []) if s["latency"].get("push", {}).get("count")]
        if len(per) > 3:
            p99s = sorted(x["p99"] / 1000.0 for x in per[2:])
            steps[-1]["afterFirst2sPerSecondP99MedianMs"] = round(p99s[len(p99s) // 2], 1)
            steps[-1]["afterFirst2sPerSecondP99MaxMs"] = round(p99s[-1], 1)
        steps[-1]["busiestServerThreadsPercentOfOneCore"] = thread_cpu(run_dir, "push-%d" % int(d["parameters"]["rate"]))
    # a step that kept up: nothing failed and the tool never reached its own in-flight bound (which it reaches only
    # when replies lag by more than maxInFlight / rate)
    clean = [s for s in steps if not s["failures"] and not s["notSentToolLimit"] and s["accepted"] == s["sent"]]
    best = max(clean, key=lambda s: s["acceptedPerSecond"], default=None)
    fig = {"steps": steps, "bestWithoutFailures": best}
    return fig, {"pushesAcceptedPerSecond": {"target": "none set in issue 8 (logic's own: >= 20,000/s)",
                                             "value": best["acceptedPerSecond"] if best else None}}


def storm_cluster(run_dir):
    fig, targets = storm(run_dir)
    v = targets["connectsAuthsPerSecond"]["value"]
    targets["connectsAuthsPerSecond"]["target"] = (">= 10,000 connects+auths/s (issue 8's standalone target; issue 8 "
                                                   "sets none for the cluster)")
    keys = {}
    for path in glob.glob(os.path.join(run_dir, "storm-*-redis-keys.txt")):
        try:
            with open(path) as f:
                keys[os.path.basename(path)[len("storm-"):-len("-redis-keys.txt")]] = int(f.read().strip())
        except (OSError, ValueError):
            pass
    fig["redisKeysAfterEachStep"] = keys
    return fig, targets


def push_cluster(run_dir):
    fig, _ = push_api(run_dir)
    best = fig["bestWithoutFailures"]
    v = best["acceptedPerSecond"] if best else None
    return fig, {"pushesAcceptedPerSecond": {
        "target": ">= 10,000 pushes/s accepted into Kafka, acks=all (issue 4)", "value": v,
        "verdict": verdict(v, 10000, smaller_is_better=False)}}


def schedule_seconds(d, skip=0):
    """The tool's per-second samples that lie wholly inside its schedule (a sample closes second E and covers
    (E-1, E]), after the first SKIP seconds."""
    c = d.get("counts", {})
    start, end = c.get("schedule.startEpochMillis"), c.get("schedule.endEpochMillis")
    if start is None or end is None:
        return []
    return [s for s in d.get("samples", []) if (s["epochSecond"] - 1) * 1000 >= start + skip * 1000
            and s["epochSecond"] * 1000 <= end]


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else None


def steady_accepted_per_second(path):
    """Median accepted pushes per second over the full seconds of one push run (what overload.sh's maximum is)."""
    d = load(path)
    return median([s["rates"].get("messages.accepted", 0) for s in schedule_seconds(d or {})])


def gauges(run_dir, t0, t1):
    """logic's push_api overload gauges between t0 and t1 (overload-gauges.txt: "epoch name{place=..} value"): the
    highest smoothed CPU, in-flight and capacity seen, and the refusals counted in the window."""
    seen = {}
    try:
        with open(os.path.join(run_dir, "overload-gauges.txt")) as f:
            for line in f:
                p = line.split()
                if len(p) == 3 and t0 <= float(p[0]) <= t1:
                    seen.setdefault(p[1].split("{")[0].replace("jgoim_logic_overload_", ""), []).append(float(p[2]))
    except (OSError, ValueError):
        return None
    shed = seen.get("shed_total", [])
    return {"maxCpuPermille": max(seen.get("cpu_permille") or [0]),
            "maxInflight": max(seen.get("inflight") or [0]), "maxCapacity": max(seen.get("capacity") or [0]),
            "minRtSecondsLast": (seen.get("min_rt_seconds") or [None])[-1],
            "capacityRtSecondsLast": (seen.get("capacity_rt_seconds") or [None])[-1],
            "shedInWindow": shed[-1] - shed[0] if shed else None, "samples": len(seen.get("cpu_permille", []))}


def written_share(d):
    """Of a push run's schedule (every due request: messages.sent in both drivers), the share written to a socket:
    the C driver counts messages.written (late ones included); the JVM tool posts all but messages.notSent."""
    c = (d or {}).get("counts", {})
    due = c.get("messages.sent")
    if not due:
        return None
    written = c.get("messages.written", due - c.get("messages.notSent", 0))
    return round(written / due, 3)


def driver_cpu(run_dir, d, name):
    """The driver's CPU in one push run: from /proc over its whole life (driver-cpu-NAME.txt, either driver: start,
    prewarm and drain included) per request it wrote, and the C driver's own getrusage over the measured run."""
    out = {}
    s = cpu_samples(run_dir, "driver-cpu-%s.txt" % name)
    c = (d or {}).get("counts", {})
    if len(s) >= 2 and s[-1][0] > s[0][0]:
        cpu = (s[-1][1] - s[0][1]) / CLK_TCK
        out["lifeCpuSeconds"] = round(cpu, 2)
        out["lifePercentOfOneCore"] = round(100 * cpu / (s[-1][0] - s[0][0]), 1)
        # the requests it wrote in the measured run (a prewarm's are in the CPU too: an upper bound per request)
        written = c.get("messages.written", c.get("messages.sent", 0) - c.get("messages.notSent", 0))
        if written:
            out["lifeCpuUsPerMeasuredRequest"] = round(cpu / written * 1e6, 1)
    own = (d or {}).get("driver")
    if own:
        out["measuredRun"] = {k: own.get(k) for k in ("cpuSeconds", "percentOfOneCore", "cpuUsPerWrittenRequest")}
    return out or None


def push_overload(run_dir):
    """Issue 19's BBR figures, one logic process with BBR on throughout: the maximum (no burner), the unloaded p99,
    then 3x the maximum plus a CPU burner at nice 19 (burst.json) beside a steady base stream (base.json) that
    outlives it: accepted/s, accepted p99, 429 latency, errors, and how long 429s went on after the burst's schedule
    ended. Either driver (driver.txt: java, the JVM load tool, or c, push_flood) writes the same files; the C driver
    also times each reply from its request's write (*FromSend: without the wait for a free connection) and counts
    requests written late (messages.late) and written at all (messages.written)."""
    mx, unloaded = load(os.path.join(run_dir, "max.json")), load(os.path.join(run_dir, "unloaded.json"))
    burst, base = load(os.path.join(run_dir, "burst.json")), load(os.path.join(run_dir, "base.json"))
    fig = {"maxOfferedPerSecond": (mx or {}).get("parameters", {}).get("rate")}
    try:
        with open(os.path.join(run_dir, "driver.txt")) as f:
            fig["driver"] = f.read().strip()
    except OSError:
        fig["driver"] = "java"  # runs before the C driver existed
    fig["driverCpu"] = {n: driver_cpu(run_dir, d, n) for n, d in
                        (("max", mx), ("unloaded", unloaded), ("base", base), ("burst", burst)) if d}
    try:
        with open(os.path.join(run_dir, "max-rate.txt")) as f:
            fig["maximumAcceptedPerSecond"] = int(float(f.read().split()[0]))
    except (OSError, ValueError, IndexError):
        fig["maximumAcceptedPerSecond"] = None
    maximum = fig["maximumAcceptedPerSecond"]
    fig["maximumStep"] = {"latencyMs": lat(mx, "accepted"), "failures": (mx or {}).get("failures"),
                          "notSentToolLimit": (mx or {}).get("counts", {}).get("messages.notSent"),
                          "writtenOfSchedule": written_share(mx),
                          # BBR is on in the maximum step too (one logic process throughout): 429s here mean the
                          # node's own CPU reached the threshold at its maximum, and the maximum is BBR's
                          "refused429": (mx or {}).get("counts", {}).get("messages.refused")}
    for key, name in (("cpuSource", "cpu-source.txt"), ("pinning", "pin.txt"), ("autogroup", "autogroup.txt")):
        try:
            with open(os.path.join(run_dir, name)) as f:
                fig[key] = f.read().strip()
        except OSError:
            fig[key] = None
    fig["unloaded"] = {"ratePerSecond": (unloaded or {}).get("parameters", {}).get("rate"),
                       "acceptedMs": lat(unloaded, "accepted"), "failures": (unloaded or {}).get("failures"),
                       "acceptedFromSendMs": lat(unloaded, "acceptedFromSend"),
                       "refused": (unloaded or {}).get("counts", {}).get("messages.refused")}
    unloaded_p99 = (fig["unloaded"]["acceptedMs"] or {}).get("p99")
    other_errors = 0
    for d in (unloaded, burst, base):
        for k, v in ((d or {}).get("failures") or {}).items():
            if not k.startswith("push: HTTP 429 "):
                other_errors += v
    o = {}
    if burst:
        bc = burst["counts"]
        per_base = {s["epochSecond"]: s["rates"].get("messages.accepted", 0) for s in (base or {}).get("samples", [])}
        secs = schedule_seconds(burst, skip=2)
        o = {"offeredPerSecond": burst["parameters"]["rate"], "sent": bc.get("messages.sent"),
             "notSentToolLimit": bc.get("messages.notSent"), "accepted": bc.get("messages.accepted"),
             "refused429": bc.get("messages.refused"), "failures": burst.get("failures"),
             "acceptedMs": lat(burst, "accepted"), "refused429Ms": lat(burst, "refused"),
             "baseStreamRefused429Ms": lat(base, "refused"),
             # the share of the 3 x schedule the driver wrote at all (the rest: its pool or in-flight bound)
             "writtenOfSchedule": written_share(burst), "late": bc.get("messages.late"),
             "acceptedFromSendMs": lat(burst, "acceptedFromSend"),
             "refused429FromSendMs": lat(burst, "refusedFromSend"),
             "baseStreamRefused429FromSendMs": lat(base, "refusedFromSend"),
             "perSecond": [{"epochSecond": s["epochSecond"], "accepted": s["rates"].get("messages.accepted"),
                            "baseAccepted": per_base.get(s["epochSecond"]), "refused": s["rates"].get("messages.refused"),
                            "written": s["rates"].get("messages.written"),
                            "acceptedP99Ms": round(s["latency"].get("accepted", {}).get("p99", 0) / 1000.0, 1),
                            "serverCpuPercent": s.get("serverCpuPercent")}
                           for s in burst.get("samples", [])],
             "acceptedPerSecondAfterFirst2s": median([s["rates"].get("messages.accepted", 0)
                                                      + per_base.get(s["epochSecond"], 0) for s in secs])}
        p99s = [s["latency"].get("accepted", {}).get("p99", 0) / 1000.0 for s in secs
                if s["latency"].get("accepted", {}).get("count")]
        o["acceptedPerSecondP99AfterFirst2sMedianMs"] = round(median(p99s), 1) if p99s else None
        drop = bc.get("schedule.endEpochMillis")
        lasts = [d["counts"]["refused.lastEpochMillis"] for d in (burst, base)
                 if d and "refused.lastEpochMillis" in d["counts"]]
        o["loadDropEpochMillis"] = drop
        # the C driver writes requests that waited for a connection after the schedule too: its load ends there
        last_write = bc.get("written.lastEpochMillis")
        o["lastWriteAfterDropMs"] = last_write - drop if last_write and drop else None
        o["last429EpochMillis"] = max(lasts) if lasts else None
        o["sheddingAfterDropMs"] = max(0, max(lasts) - drop) if lasts and drop else None
        # the same by the refused requests' due times: a 429 for a request due after the drop (the base stream's)
        # shows shedding still on then; a lower bound where the reply times above are an upper one
        dues = [d["counts"]["refused.lastDueEpochMillis"] for d in (burst, base)
                if d and "refused.lastDueEpochMillis" in d["counts"]]
        o["sheddingAfterDropByDueTimeMs"] = max(0, max(dues) - drop) if dues and drop else None
        start = bc.get("schedule.startEpochMillis")
        if start and drop:
            # every burst push accepted, replies after the schedule included, per second of the schedule
            o["burstAcceptedPerScheduleSecond"] = round(bc.get("messages.accepted", 0) * 1000.0 / (drop - start))
            o["logicGaugesDuringBurst"] = gauges(run_dir, start / 1000.0, drop / 1000.0)
        o["baseStreamRefused429"] = (base or {}).get("counts", {}).get("messages.refused")
    try:
        with open(os.path.join(run_dir, "burner.txt")) as f:
            b = f.read().split()
            o["burnerStartEpochMillis"], o["burnerEndEpochMillis"], o["burners"] = int(b[0]), int(b[1]), int(b[2])
    except (OSError, ValueError, IndexError):
        pass
    fig["overload"] = o
    fig["otherErrors"] = other_errors
    shed = o.get("refused429") or 0
    tp = o.get("acceptedPerSecondAfterFirst2s")
    # a rejection is a 429 of either stream, its latency as the tool measured it (reply time - send time)
    rejs = [x.get("p99") for x in (o.get("refused429Ms"), o.get("baseStreamRefused429Ms")) if x and x.get("p99")]
    rej = max(rejs) if shed and rejs else None
    acc = (o.get("acceptedMs") or {}).get("p99")
    o["baseStreamAcceptedMs"] = lat(base, "accepted")
    rec = o.get("sheddingAfterDropMs")
    unloaded_shed = fig["unloaded"]["refused"]
    targets = {
        "unloadedNotShed": {"target": "no 429 in the unloaded step (else the machine's other load kept the CPU over "
                                      "overload.cpuThreshold and the unloaded p99 is not unloaded)",
                            "value": unloaded_shed, "verdict": verdict(unloaded_shed, 0)},
        "sheds": {"target": "the burst is shed (429 code 302) at all: else the CPU never reached "
                            "overload.cpuThreshold and the other criteria say nothing", "value": shed,
                  "verdict": "met" if shed > 0 else "MISSED"},
        "rejectionLatencyP99Ms": {"target": "< 5 ms (issue 19; p99 of the burst's and the base stream's 429s, the "
                                            "higher)", "value": rej,
                                  "verdict": "not measured" if rej is None else ("met" if rej < 5 else "MISSED")},
        "acceptedThroughputShare": {
            "target": ">= 80 %% of the measured maximum (%s/s) (issue 19)" % maximum,
            "value": round(tp / maximum, 3) if tp is not None and maximum else None,
            "verdict": verdict(tp, 0.8 * maximum, smaller_is_better=False) if maximum else "not measured"},
        "acceptedP99Ms": {"target": "<= 2 x unloaded (%s ms) (issue 19; the burst's accepted pushes, whole burst)"
                                    % unloaded_p99, "value": acc,
                          "verdict": verdict(acc, 2 * unloaded_p99) if unloaded_p99 else "not measured"},
        "sheddingStopsAfterDropMs": {"target": "<= 1000 ms after the load drops (issue 19)", "value": rec,
                                     "verdict": verdict(rec, 1000) if shed else "not measured"},
        "errorsOtherThan429": {"target": "0", "value": other_errors, "verdict": verdict(other_errors, 0)},
    }
    # the C driver's 429s timed from their write: the node's own answer, without a wait for a free connection in
    # the driver's pool (the row above times from the due time, as the JVM tool does; its pool does not wait)
    rejs_s = [x.get("p99") for x in (o.get("refused429FromSendMs"), o.get("baseStreamRefused429FromSendMs"))
              if x and x.get("p99")]
    if rejs_s:
        rej_s = max(rejs_s) if shed else None
        targets["rejectionLatencyFromSendP99Ms"] = {
            "target": "< 5 ms (issue 19; p99 of the burst's and the base stream's 429s from each request's write, "
                      "the higher; C driver only)", "value": rej_s,
            "verdict": "not measured" if rej_s is None else ("met" if rej_s < 5 else "MISSED")}
    for k, t in targets.items():
        print("push-api-overload %s: %s (value %s, target %s)" % (k, t["verdict"], t["value"], t["target"]),
              file=sys.stderr)
    return fig, targets


def unicast(run_dir):
    d = load(os.path.join(run_dir, "unicast.json"))
    if not d:
        return {"error": "no unicast.json"}, {}
    d["e2eMs"] = {k: round(v / 1000.0, 3) for k, v in d.pop("e2eUs").items() if k != "count"}
    d["apiMs"] = {k: round(v / 1000.0, 3) for k, v in d.pop("apiUs").items() if k != "count"}
    return d, {"e2eLatency": {"target": "none set in issue 8 (percentiles reported)",
                              "value": d["e2eMs"].get("p99")}}


def loopback_floor(run_dir):
    """The kernel's CPU per loopback socket write and read (loopback_floor.c), and what it implies for fanout."""
    runs = []
    try:
        with open(os.path.join(run_dir, "floor.jsonl")) as f:
            runs = [json.loads(x) for x in f if x.strip()]
    except (OSError, ValueError):
        pass
    if not runs:
        return {"error": "no floor.jsonl"}, {}
    base = runs[0]
    pair = base["writerCpuUsPerWrite"] + base["readerCpuUsPerWrite"]
    cores = os.cpu_count() or 1
    sessions = 15000
    # One batch to every session costs `pair` of CPU per session, writer and reader together, on `cores` cores:
    # a pass takes at least sessions x pair / cores. A batch window W is sustainable only while passes fit in it
    # (W >= pass), and a message waits up to W for its batch and then up to a pass for the last session: the
    # lowest p99 any server can reach here with its clients on the same cores is about W + pass >= 2 x pass.
    pass_ms = sessions * pair / cores / 1000.0
    fig = {
        "runs": runs,
        "perf": [],
        "derived": {
            "writerPlusReaderCpuUsPerDelivery80B": round(pair, 2),
            "minPassMsFor15000SessionsOnAllCores": round(pass_ms, 1),
            "lowestReachableP99MsAt15000Sessions": round(2 * pass_ms, 1),
            "messagesPerWriteFor0.3UsServerCpuPerMessage": round(base["writerCpuUsPerWrite"] / 0.3, 1),
            "cores": cores,
        },
    }
    try:
        with open(os.path.join(run_dir, "floor-perf.txt")) as f:
            fig["perf"] = [x.rstrip() for x in f][:30]
    except OSError:
        pass
    return fig, {"fanoutLatencyFloor": {
        "target": "the kernel floor must allow p99 <= 150 ms at 15,000 sessions (met = it does)",
        "value": round(2 * pass_ms, 1),
        "verdict": verdict(2 * pass_ms, 150.0)}}


def latency_sweep(run_dir):
    """One row per (sessions, transport, rate) cell with the loopback floor for that session count beside it."""
    try:
        floor_us = float(open(os.path.join(run_dir, "floor-us.txt")).read().strip())
        floor_src = open(os.path.join(run_dir, "floor-source.txt")).read().strip()
    except (OSError, ValueError):
        floor_us, floor_src = 13.5, "assumed"
    # the writer's side alone (one loopback write), for issue 17's 2 msgs/s CPU target; only a quick run here has it
    writer_us = None
    try:
        with open(os.path.join(run_dir, "floor.jsonl")) as f:
            writer_us = float(json.loads(f.readline())["writerCpuUsPerWrite"])
    except (OSError, ValueError, KeyError):
        pass
    cores = os.cpu_count() or 1
    events = gc_events(run_dir)
    loads = {}
    try:
        with open(os.path.join(run_dir, "cells.txt")) as f:
            for line in f:
                p = line.split()
                loads[p[0]] = " ".join(p[2:5])
    except OSError:
        pass
    rows, targets = [], {}
    for path in sorted(glob.glob(os.path.join(run_dir, "s*-*-r*.json"))):
        name = os.path.basename(path)[:-5]
        m = re.match(r"s(\d+)-(\w+)-r(\d+)$", name)
        if not m:
            continue
        n, transport, rate = int(m.group(1)), m.group(2), int(m.group(3))
        fig = fanout_run(run_dir, name, events, cpu_samples(run_dir, "cpu-s%d.txt" % n)) or {}
        before = metrics(os.path.join(run_dir, name + "-metrics-before.txt")) or {}
        after = metrics(os.path.join(run_dir, name + "-metrics-after.txt")) or {}
        msgs = after.get("jgoim_comet_fanout_messages_total", 0) - before.get("jgoim_comet_fanout_messages_total", 0)
        writes = after.get("jgoim_comet_fanout_writes_total", 0) - before.get("jgoim_comet_fanout_writes_total", 0)
        pass_ms = n * floor_us / cores / 1000.0
        e2e = fig.get("e2eMs") or {}
        row = {
            "cell": name, "sessions": n, "transport": transport, "rate": rate,
            "p50Ms": e2e.get("p50"), "p99Ms": e2e.get("p99"), "p999Ms": e2e.get("p999"),
            "lost": fig.get("lost"), "expected": fig.get("expected"),
            "serverCpuUsPerDelivery": fig.get("serverCpuUsPerDelivery"),
            "messagesPerWrite": round(msgs / writes, 2) if writes else None,
            "floorP99Ms": round(2 * pass_ms, 1),
            "loadAverageAtStart": loads.get(name), "loadAverageAtEnd": loads.get(name + "-end"),
            "serverThreadsPercentOfOneCore": thread_cpu(run_dir, name, top=10),
            "serverThreadUsPerDeliveryInProfileWindow": thread_us_per_delivery(run_dir, name),
        }
        rows.append(row)
        if rate == 20 and row["p99Ms"] is not None:
            targets["p99AtRate20_" + name] = {"target": "p99 <= 1.3 x floor (%.1f ms)" % (1.3 * 2 * pass_ms),
                                              "value": row["p99Ms"],
                                              "verdict": verdict(row["p99Ms"], 1.3 * 2 * pass_ms)}
        if rate == 2 and row["p99Ms"] is not None:
            targets["p99AtRate2_" + name] = {"target": "p99 <= 1.5 x floor (%.1f ms)" % (1.5 * 2 * pass_ms),
                                             "value": row["p99Ms"],
                                             "verdict": verdict(row["p99Ms"], 1.5 * 2 * pass_ms)}
        if rate == 2 and writer_us and row["serverCpuUsPerDelivery"] is not None:
            targets["cpuAtRate2_" + name] = {
                "target": "server CPU per delivery <= 1.3 x one loopback write (%.2f us, measured by this run)"
                          % (1.3 * writer_us),
                "value": row["serverCpuUsPerDelivery"],
                "verdict": verdict(row["serverCpuUsPerDelivery"], 1.3 * writer_us)}
    table = ["| sessions | transport | msgs/s | p50 ms | p99 ms | p99.9 ms | lost/expected | server us/delivery "
             "| msgs/write | floor p99 ms | load avg (start) |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in sorted(rows, key=lambda r: (r["sessions"], r["transport"], r["rate"])):
        table.append("| %s | %s | %s | %s | %s | %s | %s/%s | %s | %s | %s | %s |" % (
            r["sessions"], r["transport"], r["rate"], r["p50Ms"], r["p99Ms"], r["p999Ms"], r["lost"], r["expected"],
            r["serverCpuUsPerDelivery"], r["messagesPerWrite"], r["floorP99Ms"], r["loadAverageAtStart"]))
    print("\n".join(table), file=sys.stderr)
    return {
        "floorDerivation": ("floor p99 = 2 passes: a message waits up to one pass of writes for its batch, then one "
                            "pass for the last session; one pass = sessions x %.2f us (kernel CPU per loopback write "
                            "+ read of 80 B, %s) / %d cores" % (floor_us, floor_src, cores)),
        "floorUsPerWritePlusRead": floor_us,
        "floorUsPerWrite": writer_us,
        "cells": rows,
        "table": table,
    }, targets


def resume_storm(run_dir):
    """The resume storm (issue 13): recovered / total, not recovered by code, time to recover, the store's reads."""
    d = load(os.path.join(run_dir, "storm.json"))
    if not d:
        return {"error": "no storm.json"}, {}
    c = d.get("counts", {})
    p = d.get("parameters", {})
    cut = c.get("sessions.cut")
    not_recovered = {k[len("resume.notRecovered."):]: v for k, v in c.items()
                     if k.startswith("resume.notRecovered.")}
    for k in ("incomplete", "notReconnected", "closed"):
        if c.get("resume." + k):
            not_recovered[k] = c["resume." + k]
    errors = {k: c.get("messages." + k, 0) for k in ("duplicates", "gaps", "outOfOrder", "sequenceSkips",
                                                     "beforeReconnect", "epochChanges")}
    reads = {k: c.get("history." + k) for k in ("store", "cache", "joined")}
    fig = {
        "sessions": p.get("sessions"), "subscribed": c.get("sessions.subscribed"), "cut": cut,
        "missedPerSession": p.get("missedMessages"), "window": p.get("window"), "away": p.get("away"),
        "memberStreams": p.get("memberStreams"), "processes": d.get("processes"),
        "recovered": c.get("resume.recovered"), "notRecoveredBy": not_recovered,
        "retried": c.get("resume.retried"),
        "missedExpected": c.get("messages.missed.expected"), "missedReceived": c.get("messages.missed.received"),
        "errors": errors,
        "recoverMs": lat(d, "recover"), "reconnectToAuthReplyMs": lat(d, "reconnect"),
        "historyReads": reads,
        "failures": d.get("failures"),
    }
    recover_p99 = (fig["recoverMs"] or {}).get("p99")
    targets = {
        "allRecovered": {"target": "every client recovered all it missed (issue 13)",
                         "value": "%s / %s" % (c.get("resume.recovered"), cut),
                         "verdict": "met" if cut and c.get("resume.recovered") == cut else "MISSED"},
        "noDuplicatesNoGaps": {"target": "0 duplicates, gaps, out-of-order", "value": sum(errors.values()),
                               "verdict": verdict(sum(errors.values()), 0)},
        "timeToRecoverP99": {"target": "none set in issue 13 (reported)", "value": recover_p99},
    }
    if p.get("memberStreams"):
        targets["storeReads"] = {"target": "rooms x comets = 1, plus one per client's own member stream",
                                 "value": reads["store"],
                                 "verdict": verdict(reads["store"], 1 + (cut or 0)) if reads["store"] is not None
                                 else "not measured"}
    else:
        targets["storeReads"] = {"target": "<= rooms x comets = 1 (not x clients)", "value": reads["store"],
                                 "verdict": verdict(reads["store"], 1)}
    return fig, targets


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = f.readline().split()[1]
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu": cpu, "memKb": int(mem) if mem else None,
            "kernel": platform.release(), "os": platform.platform()}


def tenants(run_dir):
    """Issue 15: the production tenant's room latency alone and beside the load-test tenant, per round."""
    events = gc_events(run_dir)
    cpu = cpu_samples(run_dir)
    rounds = []
    i = 1
    while os.path.exists(os.path.join(run_dir, "alone-%d.json" % i)):
        r = {"round": i}
        for name in ("alone", "mixed", "load"):
            f = fanout_run(run_dir, "%s-%d" % (name, i), events, cpu)
            if f:
                f.pop("perSecondE2eP50P99Ms", None)
            r[name] = f
        rounds.append(r)
        i += 1

    def p(run, q):
        return ((run or {}).get("e2eMs") or {}).get(q)
    fig = {"rounds": rounds,
           "productionP50Ms": {"alone": [p(r["alone"], "p50") for r in rounds],
                               "withLoadTenant": [p(r["mixed"], "p50") for r in rounds]},
           "productionP99Ms": {"alone": [p(r["alone"], "p99") for r in rounds],
                               "withLoadTenant": [p(r["mixed"], "p99") for r in rounds]},
           "productionLostAndForeign": [[(r[k] or {}).get("lost"), (r[k] or {}).get("failures")]
                                        for r in rounds for k in ("alone", "mixed")]}
    return fig, {}


def upstream(run_dir):
    """UpstreamProxyBench's RESULT lines (one per run in upstream-*.out): throughput, errors by code, latency."""
    runs = []
    for p in sorted(glob.glob(os.path.join(run_dir, "upstream-*.out"))):
        with open(p) as f:
            for line in f:
                if line.startswith("RESULT "):
                    r = json.loads(line[len("RESULT "):])
                    r["run"] = os.path.basename(p)[:-4]
                    runs.append(r)
    if not runs:
        return {"error": "no RESULT line in upstream-*.out"}, {}
    best = max(runs, key=lambda r: (r["errors"] == 0, r["repliesPerSecond"]))
    v = best["repliesPerSecond"] if best["errors"] == 0 else None
    return {"runs": runs}, {
        "repliesPerSecond": {"target": ">= 5,000 upstream messages/s through an http route to a local backend, "
                                       "0 errors (issue 18)", "value": v,
                             "verdict": verdict(v, 5000 * 0.98, smaller_is_better=False)},
        "p99": {"target": "none set in issue 18 (reported)", "value": best["latencyMs"]["p99"]}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario")
    ap.add_argument("run_dir")
    ap.add_argument("out")
    for k in ("jdk", "gc", "commit", "jar", "load-before", "load-after", "server-cmd", "seconds"):
        ap.add_argument("--" + k, default="")
    a = ap.parse_args()
    fn = {"idle": idle, "fanout": fanout, "connect-storm": storm, "push-api": push_api, "unicast": unicast,
          "connect-storm-cluster": storm_cluster, "push-api-cluster": push_cluster,
          "loopback-floor": loopback_floor, "resume-storm": resume_storm,
          "latency-sweep": latency_sweep, "tenants": tenants, "upstream": upstream,
          "push-api-overload": push_overload}
    fig, targets = fn[a.scenario](a.run_dir)
    try:
        with open(os.path.join(a.run_dir, "commands.txt")) as f:
            commands = [x.strip() for x in f if x.strip()]
    except OSError:
        commands = []
    profiles = {}
    for p in glob.glob(os.path.join(a.run_dir, "*.jfr.txt")):
        with open(p) as f:
            profiles[os.path.basename(p)] = f.read().splitlines()[:40]
    result = {
        "scenario": a.scenario,
        "command": "benchmarks/run.sh " + a.scenario,
        "startedRunDir": os.path.relpath(a.run_dir, os.path.dirname(a.out)),
        "figures": fig,
        "targets": targets,
        "serverCommand": a.server_cmd,
        "loadToolCommands": commands,
        "jdk": a.jdk.strip(), "gc": a.gc, "commit": a.commit, "jar": a.jar,
        "machine": machine(),
        "loadAverageBefore": a.load_before, "loadAverageAfter": a.load_after,
        "wallSeconds": int(a.seconds or 0),
        "profiles": profiles,
    }
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)
    print(json.dumps({"scenario": a.scenario, "targets": targets}, indent=1))


if __name__ == "__main__":
    sys.exit(main())
