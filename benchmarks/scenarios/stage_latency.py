#!/usr/bin/env python3
"""Per-stage latency of one measured run, from Prometheus scrapes taken every second while it ran.

    stage_latency.py OUT.json RUN.json SCRAPE_DIR

SCRAPE_DIR holds ROLE-EPOCHSECOND.prom files: each node's /metrics (logic, job, comet; or standalone's one
endpoint), scraped once a second. RUN.json is the load tool's report: its samples say when the measured messages
were sent and received (prewarm messages are not counted there), and for each role the last scrape before the first
measured send and the first scrape after the last measured delivery are diffed. Every histogram (`*_bucket` series)
whose count grew is diffed bucket by bucket, so what the measured window did is separated from what came before it
(connects, prewarm), and p50/p90/p99/p99.9 are interpolated linearly inside the bucket that holds them, as
Prometheus's histogram_quantile does (jgoim's explicit buckets, docs/operations.md "Histogram buckets": within about
10 % in the dense range; runs before them read the bucket's upper bound of Micrometer's ~10 %-wide buckets). Counters that grew
are reported as their increase. Prints a table and writes the figures to OUT.json. The stages of a room push:

  jgoim_kafka_send_latency           logic: publish until Kafka acknowledged (producer linger, broker, acks)
  jgoim_job_consume_age              logic publish -> job polled the record (the Kafka leg)
  jgoim_comet_push_fanout{room}      comet: request received -> every event loop wrote it (the comet's share)
  jgoim_comet_push_latency{room}     logic publish -> every loop of the comet wrote it
  jgoim_job_push_age                 logic publish -> the comet's answer reached job
"""
import json
import os
import re
import sys

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+([0-9.eE+\-]+|NaN|\+Inf)\s*$')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
INTERESTING = ("jgoim_kafka_send_latency", "jgoim_job_consume_age", "jgoim_comet_push_fanout",
               "jgoim_comet_push_latency", "jgoim_job_push_age", "jgoim_job_batch_messages",
               "jgoim_logic_api_requests")
COUNTERS = ("jgoim_comet_fanout_messages_total", "jgoim_comet_fanout_writes_total", "jgoim_job_room_calls_joined_total",
            "jgoim_job_calls_total", "jgoim_job_pushes_total")


def parse(path):
    series = {}
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError:
        return series
    for line in lines:
        m = LINE.match(line)
        if not m:
            continue
        name, labels, value = m.group(1), m.group(3) or "", m.group(4)
        try:
            v = float(value)
        except ValueError:
            continue
        series[(name, tuple(sorted(LABEL.findall(labels))))] = v
    return series


def quantile(rank, buckets):
    """histogram_quantile's estimate: linear inside the first bucket whose cumulative count reaches rank."""
    lower, below = 0.0, 0.0
    for le, c in buckets:
        if c >= rank:
            if le == float("inf"):
                return lower
            return lower + (le - lower) * ((rank - below) / (c - below) if c > below else 1.0)
        lower, below = le, c
    return float("inf")


def histograms(before, after):
    out = {}
    for (name, labels), v in after.items():
        if not name.endswith("_bucket") or not name[:-len("_bucket")].startswith(INTERESTING):
            continue
        le = dict(labels).get("le")
        rest = tuple(x for x in labels if x[0] != "le")
        d = v - before.get((name, labels), 0.0)
        out.setdefault((name[:-len("_bucket")], rest), []).append((float("inf") if le == "+Inf" else float(le), d))
    result = {}
    for key, buckets in out.items():
        buckets.sort()
        total = buckets[-1][1] if buckets else 0
        if total <= 0:
            continue
        name, rest = key
        dsum = after.get((name + "_sum", rest), 0.0) - before.get((name + "_sum", rest), 0.0)
        fig = {"count": int(total), "mean": dsum / total}
        for label, q in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("p999", 0.999)):
            fig[label] = quantile(q * total, buckets)
        result[key] = fig
    return result


def counters(before, after):
    result = {}
    for (name, labels), v in after.items():
        if name.startswith(COUNTERS):
            d = v - before.get((name, labels), 0.0)
            if d > 0:
                result[(name, labels)] = d
    return result


def label_text(labels):
    return ",".join(f"{k}={v}" for k, v in labels if k not in ("le",))


def window_pairs(run_json, scrape_dir):
    """[before, after] file per role around the measured window of the run, plus the window itself."""
    samples = list(json.load(open(run_json, encoding="utf-8")).get("samples", []))
    workers = run_json[:-len(".json")] + "-workers"  # --processes N: the receivers' own reports
    if os.path.isdir(workers):
        for name in sorted(os.listdir(workers)):
            if name.endswith(".json"):
                samples += json.load(open(os.path.join(workers, name), encoding="utf-8")).get("samples", [])
    sent = [s["epochSecond"] for s in samples if s.get("rates", {}).get("messages.sent", 0) > 0]
    got = [s["epochSecond"] for s in samples if s.get("rates", {}).get("messages.delivered", 0) > 0]
    t0, t1 = min(sent) - 1, max(got) + 1
    by_role = {}
    for name in os.listdir(scrape_dir):
        m = re.match(r"^(.+)-(\d+)\.prom$", name)
        if m:
            by_role.setdefault(m.group(1), []).append((int(m.group(2)), os.path.join(scrape_dir, name)))
    pairs = []
    for role, files in sorted(by_role.items()):
        files.sort()
        before = [f for t, f in files if t <= t0]
        after = [f for t, f in files if t >= t1]
        if before and after:
            pairs += [before[-1], after[0]]
    return pairs, t0, t1


def cpu_seconds(path, t0, t1):
    """Per role, the CPU seconds its process spent between the last tick line at or before t0 and the first at or
    after t1 (lines: EPOCH ROLE CLOCK_TICKS, 100 ticks a second)."""
    rows = {}
    try:
        for line in open(path, encoding="utf-8"):
            fields = line.split()
            if len(fields) != 3:
                continue  # a process that ended between the sampler's check and its read: no ticks on that line
            t, role, ticks = fields
            rows.setdefault(role, []).append((int(t), float(ticks)))
    except OSError:
        return {}
    result = {}
    for role, r in rows.items():
        before = [v for t, v in r if t <= t0]
        after = [v for t, v in r if t >= t1]
        if before and after:
            result[role] = (after[0] - before[-1]) / os.sysconf("SC_CLK_TCK")
    return result


def main():
    out = sys.argv[1]
    pairs, t0, t1 = window_pairs(sys.argv[2], sys.argv[3])
    figures = {"window": {"fromEpochSecond": t0, "toEpochSecond": t1, "scrapes": pairs},
               "histograms": [], "counters": []}
    for i in range(0, len(pairs) - 1, 2):
        b, a = parse(pairs[i]), parse(pairs[i + 1])
        for (name, labels), f in sorted(histograms(b, a).items()):
            seconds = name.endswith("_seconds")
            scale = 1000.0 if seconds else 1.0
            row = {"series": name, "labels": label_text(labels), "count": f["count"],
                   "unit": "ms" if seconds else "1", "mean": round(f["mean"] * scale, 3)}
            for p in ("p50", "p90", "p99", "p999"):
                row[p] = round(f[p] * scale, 3) if f[p] != float("inf") else None
            figures["histograms"].append(row)
        for (name, labels), d in sorted(counters(b, a).items()):
            figures["counters"].append({"series": name, "labels": label_text(labels), "increase": d})
    print(f"{'series':58} {'count':>9} {'mean':>9} {'p50':>9} {'p90':>9} {'p99':>9} {'p99.9':>9}")
    for r in figures["histograms"]:
        name = r["series"] + ("{" + r["labels"] + "}" if r["labels"] else "")
        vals = " ".join(f"{'inf' if r[p] is None else r[p]:>9}" for p in ("p50", "p90", "p99", "p999"))
        print(f"{name[:58]:58} {r['count']:>9} {r['mean']:>9} {vals}  {r['unit']}")
    for r in figures["counters"]:
        name = r["series"] + ("{" + r["labels"] + "}" if r["labels"] else "")
        print(f"{name[:58]:58} {int(r['increase']):>9}")
    cpu = cpu_seconds(os.path.join(sys.argv[3], "cpu.ticks"), t0, t1)
    if cpu:
        figures["cpuSeconds"] = cpu
        delivered = json.load(open(sys.argv[2], encoding="utf-8")).get("counts", {}).get("messages.delivered", 0)
        total = sum(cpu.values())
        print(f"CPU seconds over the window ({t1 - t0} s): "
              + ", ".join(f"{k} {v:.1f}" for k, v in sorted(cpu.items())) + f"; all {total:.1f}"
              + (f" = {total * 1e6 / delivered:.2f} us per delivery ({delivered} deliveries)" if delivered else ""))
        figures["cpuUsPerDeliveryAllNodes"] = total * 1e6 / delivered if delivered else None
    with open(out, "w", encoding="utf-8") as f:
        json.dump(figures, f, indent=1)


if __name__ == "__main__":
    main()
