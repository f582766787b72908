"""Summarises `jfr print --events jdk.ExecutionSample --stack-depth 3` (stdin): top frames (self) and top threads.

Prints the 25 most frequent top-of-stack methods with their share of all samples, then the sample count per thread.
Used by benchmarks/scenarios/lib.sh (bench_jfr) so a missed target comes with a profile, not a guess.
"""
import collections
import re
import sys

EVENT = sys.argv[1] if len(sys.argv) > 1 else "jdk.ExecutionSample"
LIMIT = int(sys.argv[2]) if len(sys.argv) > 2 else 25

top = collections.Counter()
caller = collections.Counter()
threads = collections.Counter()
total = 0
state = None  # None, "stack", "stack1"
for line in sys.stdin:
    s = line.strip()
    if s.startswith(EVENT):
        total += 1
        state = None
    elif s.startswith("sampledThread") or s.startswith("eventThread"):
        m = re.search(r'"([^"]*)"', s)
        threads[m.group(1) if m else s] += 1
    elif s.startswith("stackTrace = ["):
        state = "stack"
    elif state == "stack" and s and s != "]":
        top[re.sub(r"\s+line:.*", "", s)] += 1
        state = "stack1"
    elif state == "stack1" and s and s != "]" and s != "...":
        caller[re.sub(r"\s+line:.*", "", s)] += 1
        state = "done"

print(f"{total} {EVENT} events")
print("top frames (self):")
for frame, n in top.most_common(LIMIT):
    print(f"  {100.0 * n / max(total, 1):5.1f}%  {frame}")
print("top callers of the top frame:")
for frame, n in caller.most_common(min(LIMIT, 10)):
    print(f"  {100.0 * n / max(total, 1):5.1f}%  {frame}")
print("samples per thread (top 12):")
for t, n in threads.most_common(min(LIMIT, 12)):
    print(f"  {100.0 * n / max(total, 1):5.1f}%  {t}")
