#!/usr/bin/env python3
# The worked examples of docs/capacity.md: the formulas of its section 2 with the inputs of its section 1. Change the
# inputs (your own c_write, heartbeat cost, host size) or the mixes at the bottom and rerun: python3 capacity_model.py
# rooms: (count, members, messages per second); unicast and broadcast per second; churn_s: mean session length.
import math

# Section 1 of docs/capacity.md: B per session, µs per operation; W = the time a busy room's messages may wait for
# their write (the latency budget you plan for: with the default load-following coalescing there is no window, a comet
# joins what arrives during a pass; a batch.window you set is a floor under W); 60 % utilisation; 16-vCPU comets.
# Usage: python3 capacity_model.py [W seconds, default 0.25]
m_jvm, m_kern = 7322, 4880
c_idle, c_write, c_msg, c_conn = 4.2, 13.3, 0.2, 144
c_push_logic, c_conn_logic, c_redis = 55, 41, 2.7
import sys
W = float(sys.argv[1]) if len(sys.argv) > 1 else 0.25; util = 0.6; cores = 16
def run(name, N, rooms, unicast, bcast, churn_s):
    writes = sum(c*m*min(r, 1/W) for c,m,r in rooms) + unicast + bcast*N
    deliv = sum(c*m*r for c,m,r in rooms) + unicast + bcast*N
    conn = N/churn_s
    parts = [N*c_idle/1e6, writes*c_write/1e6, deliv*c_msg/1e6, conn*c_conn/1e6]
    cpu = sum(parts)
    Nc = max(2, math.ceil(max(cpu/(cores*util), N/500_000))) + 1
    pushes = sum(c*r for c,m,r in rooms) + unicast + bcast
    batches = sum(c*min(r,1/W) for c,m,r in rooms)
    calls = sum(c*min(r,1/W)*min(m, Nc) for c,m,r in rooms) + unicast + bcast*Nc
    refresh = N/675
    logic_cores = (pushes*c_push_logic + (conn+refresh)*c_conn_logic)/1e6
    logic = max(2, math.ceil(pushes/(10000*util)), math.ceil(logic_cores/(2*util)))   # P_l = 10,000 pushes/s
    rooms_n = sum(c for c,m,r in rooms)
    hist_rooms = rooms_n*100*163; hist_members = min(unicast*3600, N*100)*98
    ops = conn*4 + refresh*2 + batches + unicast*2 + Nc/10
    print(f"== {name} (W = {W*1000:.0f} ms): N={N:,} writes/s {writes:,.0f} deliveries/s {deliv:,.0f} (msgs/write {deliv/writes:.1f}) connects/s {conn:,.0f}")
    print(f"  comet cores idle {parts[0]:.1f} writes {parts[1]:.1f} msgs {parts[2]:.1f} connects {parts[3]:.2f} = {cpu:.1f}; mem {N*(m_jvm+m_kern)/2**30:.1f} GiB -> comets {Nc} (16 vCPU, incl +1)")
    print(f"  pushes/s {pushes:,.0f} refresh/s {refresh:,.0f} logic cores {logic_cores:.2f} -> logic {logic} (2 vCPU)")
    print(f"  batches/s {batches:,.0f}; job->comet calls/s {calls:,.0f}")
    print(f"  redis routes {N*362/2**30:.2f} GiB, room hist {hist_rooms/2**30:.2f} GiB, member hist {hist_members/2**30:.2f} GiB; ops/s {ops:,.0f} = {ops*c_redis/1e6:.2f} cores")
run("A", 1_000_000, [(200_000, 5, 0.02)], 3000, 0, 20*60)
run("B", 1_000_000, [(50, 20_000, 20), (1000, 100, 1)], 1000, 1/60, 30*60)
run("C", 10_000_000, [(20, 250_000, 50), (10_000, 500, 2)], 20000, 1/60, 30*60)
