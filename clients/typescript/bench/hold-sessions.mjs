// Holds N sessions of this SDK (Node, the `ws` package: Node 20 has no global WebSocket) on one comet, for
// benchmarks/ts-sessions.sh, which measures the server's heap per session against Java SDK sessions.
// usage: node bench/hold-sessions.mjs ws://127.0.0.1:3102/sub [sessions=5000] [connects per second=500]
// Prints "held <ok> failed <n>" once every session answered, then holds them until stdin closes or SIGTERM.
import WebSocket from "ws";
import { JgoimClient, goimToken } from "../dist/index.js";

const [url, n = "5000", rate = "500"] = process.argv.slice(2);
if (!url) {
  console.error("usage: node bench/hold-sessions.mjs ws://host:port/sub [sessions] [connects/s]");
  process.exit(2);
}
const total = Number(n);
const clients = [];
let ok = 0;
let failed = 0;
const reasons = new Map();

function done() {
  if (ok + failed === total) {
    const m = process.memoryUsage();
    console.log(`held ${ok} failed ${failed}` + (failed ? ` ${JSON.stringify([...reasons])}` : "")
      + ` node rss ${m.rss} heapUsed ${m.heapUsed}`);
  }
}

const started = Date.now();
for (let i = 0; i < total; i++) {
  const due = started + (i * 1000) / Number(rate);
  // Always yield: a loop running behind schedule must not create the rest at once while none can open.
  await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
  // Same shape as the Java load tool's sessions: a goim token, one room, no positions, the server's heartbeat.
  const c = new JgoimClient({ url, WebSocket, token: goimToken(1_000_000 + i, "", "live://1000", "web", [1000]),
    reconnect: false, connectTimeoutMs: 60_000, authTimeoutMs: 60_000 });
  clients.push(c);
  c.connect().then(() => ok++, (e) => {
    failed++;
    reasons.set(String(e.message).slice(0, 80), (reasons.get(String(e.message).slice(0, 80)) ?? 0) + 1);
  }).finally(done);
}

const stop = () => {
  clients.forEach((c) => c.close());
  setTimeout(() => process.exit(0), 500);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.resume();
