#!/usr/bin/env python3
"""histo_diff.py BEFORE.histo HELD.histo N [TOP]: what N sessions added to the live heap, by class, per session.

Reads two `jcmd PID GC.class_histogram` outputs (taken before the sessions and while holding them) and prints
(held - before) / N in bytes and instances per class, largest first, then the total. Used by benchmarks/idle-heap.sh.
"""
import re, sys
def load(p):
    d = {}
    for line in open(p):
        m = re.match(r'\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)', line)
        if m:
            d[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return d
a, b, n = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
top = int(sys.argv[4]) if len(sys.argv) > 4 else 40
rows = []
for k in set(a) | set(b):
    ia, ba = a.get(k, (0, 0)); ib, bb = b.get(k, (0, 0))
    rows.append((k, (ib - ia) / n, (bb - ba) / n))
rows.sort(key=lambda r: -r[2])
tot = sum(r[2] for r in rows)
for k, i, by in rows[:top]:
    print(f"{by:8.1f} B  {i:6.2f}/session  {k}")
print(f"{tot:8.1f} B  total")
