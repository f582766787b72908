#!/usr/bin/env python3
# docs/capacity.md: python3 benchmarks/scenarios/socket_kernel_memory.py 8000   (2 x 8000 descriptors: keep under ulimit -n)
# Kernel memory per idle TCP socket: open N loopback connections (2N sockets, both ends in this kernel), exchange a
# 16-byte frame on each (as an auth would), read it, then compare /proc/meminfo's Slab before and after.
import socket, sys, time
def slab():
    m = {}
    for line in open('/proc/meminfo'):
        k, v = line.split(':'); m[k] = int(v.split()[0]) * 1024
    return m['Slab'], m['SUnreclaim'], m['MemAvailable']
n = int(sys.argv[1])
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', 0)); srv.listen(4096)
time.sleep(1); s0 = slab()
pairs = []
for i in range(n):
    c = socket.create_connection(srv.getsockname()); s, _ = srv.accept()
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c.sendall(b'x' * 16); s.recv(64); s.sendall(b'y' * 16); c.recv(64)
    pairs.append((c, s))
time.sleep(2); s1 = slab()
print("sockets=%d slab/socket=%.0f B unreclaimable/socket=%.0f B MemAvailable drop/socket=%.0f B" % (
    2 * n, (s1[0] - s0[0]) / (2 * n), (s1[1] - s0[1]) / (2 * n), (s0[2] - s1[2]) / (2 * n)))
