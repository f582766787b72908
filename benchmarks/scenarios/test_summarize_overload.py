"""Checks push-api-overload's summary (summarize.push_overload) over both drivers' result files, and that the C driver
(push_flood.c) writes what the summary reads: built with gcc and run against a local HTTP/1.1 server that answers as
logic's push API does (status, content-length, {"code":...} body, keep-alive), with refusals, errors and a closed
connection by count.

Run: python3 -m unittest benchmarks/scenarios/test_summarize_overload.py (Python 3; gcc for the driver's tests).
"""
import json
import os
import shutil
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import summarize  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def run_file(rate, sent, accepted, refused=0, not_sent=0, failures=None, start=1_000_000, seconds=10, extra=None,
             latencies=None, per_second=None):
    """A push run's JSON as the JVM load tool writes it (extra: the C driver's additional counts)."""
    counts = {"messages.sent": sent, "messages.accepted": accepted, "messages.refused": refused,
              "messages.notSent": not_sent, "schedule.startEpochMillis": start,
              "schedule.endEpochMillis": start + seconds * 1000}
    counts.update(extra or {})
    samples = [{"epochSecond": start // 1000 + k + 1, "sessions": 0,
                "rates": {"messages.accepted": per_second if per_second is not None else accepted // seconds,
                          "messages.refused": refused // seconds},
                "latency": {"accepted": {"count": 1, "p50": 1000, "p99": 2000, "max": 3000}},
                "serverRssKb": -1, "serverCpuPercent": 90.0} for k in range(seconds)]
    lat = {"accepted": {"count": accepted, "p50": 1000, "p90": 1500, "p99": 2000, "p999": 2500, "max": 3000}}
    lat.update(latencies or {})
    return {"parameters": {"rate": float(rate)}, "counts": counts, "failures": failures or {}, "latencies": lat,
            "samples": samples}


def summary(files, driver=None):
    with tempfile.TemporaryDirectory() as d:
        for name, content in files.items():
            with open(os.path.join(d, name + ".json"), "w") as f:
                json.dump(content, f)
        with open(os.path.join(d, "max-rate.txt"), "w") as f:
            f.write("6000\n")
        if driver:
            with open(os.path.join(d, "driver.txt"), "w") as f:
                f.write(driver + "\n")
        return summarize.push_overload(d)


def us(p50, p99):
    return {"count": 10, "p50": p50, "p90": p99, "p99": p99, "p999": p99, "max": p99}


class PushOverloadSummaryTest(unittest.TestCase):
    def test_java_runs_count_what_the_tool_posted_and_have_no_send_timed_verdict(self):
        burst = run_file(18000, 180000, 50000, refused=10000, not_sent=150000,
                         failures={"push: HTTP 429 code 302": 10000, "push: server closed the connection": 2},
                         latencies={"refused": us(20000, 150000)})
        fig, targets = summary({"max": run_file(30000, 300000, 60000, not_sent=200000),
                                "unloaded": run_file(2000, 20000, 20000), "base": run_file(2000, 40000, 40000),
                                "burst": burst})
        self.assertEqual("java", fig["driver"])
        self.assertEqual(0.167, fig["overload"]["writtenOfSchedule"])
        self.assertIsNone(fig["overload"]["lastWriteAfterDropMs"])
        self.assertNotIn("rejectionLatencyFromSendP99Ms", targets)
        self.assertEqual(150.0, targets["rejectionLatencyP99Ms"]["value"])
        self.assertEqual(2, targets["errorsOtherThan429"]["value"])

    def test_c_runs_count_written_requests_and_judge_429s_from_their_write_too(self):
        c = {"messages.written": 54000, "messages.late": 4000, "written.lastEpochMillis": 1_000_000 + 10_000 + 700}
        burst = run_file(18000, 180000, 50000, refused=4000, not_sent=126000, extra=c,
                         failures={"push: HTTP 429 code 302": 4000},
                         latencies={"refused": us(9000, 40000), "refusedFromSend": us(800, 3000),
                                    "acceptedFromSend": us(900, 1900)})
        base = run_file(2000, 40000, 39000, refused=1000, extra={"messages.written": 40000},
                        latencies={"refused": us(700, 6000), "refusedFromSend": us(600, 4500)})
        fig, targets = summary({"max": run_file(30000, 300000, 60000, not_sent=200000),
                                "unloaded": run_file(2000, 20000, 20000), "base": base, "burst": burst}, driver="c")
        self.assertEqual("c", fig["driver"])
        self.assertEqual(0.3, fig["overload"]["writtenOfSchedule"])
        self.assertEqual(4000, fig["overload"]["late"])
        self.assertEqual(700, fig["overload"]["lastWriteAfterDropMs"])
        self.assertEqual(3.0, fig["overload"]["refused429FromSendMs"]["p99"])
        # the higher of the two streams' p99s, from the write: 4.5 ms (base) is under 5
        self.assertEqual(4.5, targets["rejectionLatencyFromSendP99Ms"]["value"])
        self.assertEqual("met", targets["rejectionLatencyFromSendP99Ms"]["verdict"])
        # from the due time it is the burst's 40 ms: missed
        self.assertEqual("MISSED", targets["rejectionLatencyP99Ms"]["verdict"])
        self.assertEqual(0, targets["errorsOtherThan429"]["value"])


class LogicLikeHandler(socketserver.BaseRequestHandler):
    """Answers pushes one by one: every 3rd (in arrival order, over all connections) HTTP 429 code 302, the 10th HTTP
    500 code 500, the 20th by closing the connection unanswered, the rest HTTP 200 code 0; the bytes of each request
    kept."""

    def handle(self):
        srv = self.server
        buf = b""
        sock = self.request
        # as Netty's server channels: the split reply below must not wait for the driver's delayed ACK (Nagle)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            while b"\r\n\r\n" not in buf:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                buf += chunk
            head, buf = buf.split(b"\r\n\r\n", 1)
            length = 0
            for line in head.split(b"\r\n")[1:]:
                k, v = line.split(b":", 1)
                if k.strip().lower() == b"content-length":
                    length = int(v)
            while len(buf) < length:
                buf += sock.recv(65536)
            body, buf = buf[:length], buf[length:]
            with srv.lock:
                srv.requests.append((head, body))
                n = len(srv.requests)
                if n == 20:
                    srv.closed += 1
                elif n % 3 == 0:
                    srv.refused += 1
                elif n == 10:
                    srv.errors += 1
            if n == 20:
                sock.close()
                return
            status, code = ("429 Too Many Requests", 302) if n % 3 == 0 else \
                ("500 Internal Server Error", 500) if n == 10 else ("200 OK", 0)
            reply = ('{"code":%d,"message":"","data":null}' % code).encode()
            out = ("HTTP/1.1 %s\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: %d\r\n\r\n"
                   % (status, len(reply))).encode() + reply
            # split across two writes now and then: the driver must join them
            sock.sendall(out[:9])
            sock.sendall(out[9:])


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), LogicLikeHandler)
        self.lock = threading.Lock()
        self.requests = []
        self.refused = self.errors = self.closed = 0


@unittest.skipUnless(shutil.which("gcc"), "gcc not installed")
class PushFloodTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.binary = os.path.join(cls.tmp, "push_flood")
        build = subprocess.run(["gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", cls.binary,
                                os.path.join(HERE, "push_flood.c")], capture_output=True, text=True)
        if build.returncode:
            raise AssertionError(build.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def drive(self, server, name, *args):
        port = server.server_address[1]
        run = subprocess.run([self.binary, "push", "--http", "http://127.0.0.1:%d" % port, "--target", "room",
                              "--room-type", "live", "--room-id", "1000", "--out", self.tmp, "--name", name]
                             + list(args), capture_output=True, text=True, timeout=60)
        self.assertEqual(0, run.returncode, run.stderr)
        with open(os.path.join(self.tmp, name + ".json")) as f:
            return json.load(f)

    def serve(self):
        server = Server()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return server

    def test_sends_the_java_tools_request_and_counts_replies_by_class(self):
        server = self.serve()
        d = self.drive(server, "burst", "--rate", "200", "--duration", "1s", "--http-connections", "4",
                       "--http-depth", "1", "--max-in-flight", "100")
        head, body = server.requests[0]
        self.assertEqual([b"POST /goim/push/room?operation=1000&type=live&room=1000 HTTP/1.1",
                          b"host: 127.0.0.1:%d" % server.server_address[1],
                          b"content-type: application/octet-stream", b"content-length: 64"], head.split(b"\r\n"))
        self.assertEqual(64, len(body))
        self.assertEqual(b"JGLT\x00\x00\x00\x01", body[:8])
        self.assertEqual(b"x" * 40, body[24:])
        sequences = sorted(int.from_bytes(b[8:16], "big") for _, b in server.requests)
        self.assertEqual(list(range(200)), sequences)
        c = d["counts"]
        self.assertEqual(200, len(server.requests))
        self.assertEqual((200, 200, 0), (c["messages.sent"], c["messages.written"], c["messages.notSent"]))
        self.assertEqual(server.refused, c["messages.refused"])
        self.assertEqual(server.refused, d["failures"]["push: HTTP 429 code 302"])
        self.assertEqual(1, d["failures"]["push: HTTP 500 code 500"])
        self.assertEqual(1, d["failures"]["push: server closed the connection with the request pending"])
        self.assertEqual((1, 1), (c["messages.other"], c["errors.connection"]))
        self.assertEqual(200 - server.refused - 2, c["messages.accepted"])
        self.assertEqual(c["messages.accepted"], d["latencies"]["accepted"]["count"])
        self.assertEqual(c["messages.refused"], d["latencies"]["refusedFromSend"]["count"])
        self.assertEqual(200, d["latencies"]["push"]["count"])
        self.assertEqual(c["messages.accepted"], sum(s["rates"]["messages.accepted"] for s in d["samples"]))
        self.assertEqual(c["messages.accepted"], sum(s["rates"]["messages.acceptedByDue"] for s in d["samples"]))
        self.assertLessEqual(c["schedule.startEpochMillis"], c["refused.firstEpochMillis"])
        self.assertLessEqual(c["refused.lastDueEpochMillis"], c["refused.lastEpochMillis"])
        self.assertGreater(d["driver"]["cpuSeconds"], 0)
        # what the summary reads
        fig, targets = summary({"max": d, "unloaded": d, "base": d, "burst": d}, driver="c")
        self.assertEqual(200.0, fig["overload"]["offeredPerSecond"])
        self.assertEqual(1.0, fig["overload"]["writtenOfSchedule"])
        self.assertEqual(3 * 2, targets["errorsOtherThan429"]["value"])  # 500 and the close, in 3 files
        self.assertIn("rejectionLatencyFromSendP99Ms", targets)

    def test_a_request_due_with_every_connection_busy_waits_and_one_past_the_bound_is_not_sent(self):
        # a server that reads and never answers: 2 connections hold 2 requests, 3 more wait, the rest are not sent
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        self.addCleanup(listener.close)
        held = []

        def accept():
            while True:
                try:
                    s, _ = listener.accept()
                except OSError:
                    return
                held.append(s)

        threading.Thread(target=accept, daemon=True).start()
        port = listener.getsockname()[1]
        run = subprocess.run([self.binary, "--http", "http://127.0.0.1:%d" % port, "--rate", "50", "--duration",
                              "0.4s", "--http-connections", "2", "--http-depth", "1", "--max-in-flight", "5",
                              "--drain", "0.5s", "--json", os.path.join(self.tmp, "held.json")],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(0, run.returncode, run.stderr)
        with open(os.path.join(self.tmp, "held.json")) as f:
            d = json.load(f)
        c = d["counts"]
        self.assertEqual((20, 2, 3, 15), (c["messages.sent"], c["messages.written"], c["messages.late"],
                                          c["messages.notSent"]))
        self.assertEqual(2, d["failures"]["push: connection closed by the tool at the end of the run, with the "
                                          "request pending"])
        self.assertEqual(3, d["failures"]["push: never written: no connection had room before the drain's end"])
        for s in held:
            s.close()


if __name__ == "__main__":
    unittest.main()
