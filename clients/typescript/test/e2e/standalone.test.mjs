// End to end against a REAL jgoim standalone server, started by server's TypeScriptClientIT, which passes:
//   JGOIM_WS_URL   the comet's WebSocket URL (ws://127.0.0.1:<port>/sub)
//   JGOIM_API      logic's HTTP API (pushes, node list)
//   JGOIM_CONTROL  the IT's control endpoint: POST /drop?key=K closes that session's socket server-side (no goodbye)
// Run: the IT runs `npm run test:e2e` with them; by hand, start `bin/jgoim standalone` and set the first two
// (the forced-reconnect test needs JGOIM_CONTROL).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { CloseCode, ErrorCode, JgoimClient, decodeFrame, goimToken, recovered, unpackFrames } from "../../dist/index.js";

// Node 22+ has a global WebSocket; Node 18 and 20 get the `ws` package's (a dev dependency).
const WebSocketImpl = globalThis.WebSocket ?? (await import("ws")).default;
const WS_URL = process.env.JGOIM_WS_URL;
const API = process.env.JGOIM_API;
const CONTROL = process.env.JGOIM_CONTROL;

before(() => {
  assert.ok(WS_URL && API, "set JGOIM_WS_URL and JGOIM_API (server's TypeScriptClientIT does)");
});

const dec = (b) => new TextDecoder().decode(b);

async function post(path, body) {
  const r = await fetch(API + path, { method: "POST", body });
  const text = await r.text();
  assert.equal(r.status, 200, `${path}: ${text}`);
  return text;
}

async function until(what, f, ms = 15000) {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

const clients = [];
function client(options, listener) {
  const c = new JgoimClient({ url: WS_URL, WebSocket: WebSocketImpl, backoffMinMs: 200, backoffMaxMs: 400, ...options },
    listener);
  clients.push(c);
  return c;
}

function recorder() {
  const r = { pushes: [], pubs: [], states: [], closes: [] };
  r.listener = {
    onPush: (c, op, seq, body) => r.pushes.push(`${op}:${dec(body)}`),
    onPublication: (c, p) => r.pubs.push(p),
    onStreamState: (c, s) => r.states.push(s),
    onClose: (c, s, again) => r.closes.push({ status: s, again }),
  };
  r.bodies = (stream) => r.pubs.filter((p) => p.stream === stream).map((p) => dec(p.body));
  r.offsets = (stream) => r.pubs.filter((p) => p.stream === stream).map((p) => p.offset);
  return r;
}

/** A WebSocket that also records every binary message's outer frame, to see op-9 batches as they came. */
function tapped(frames) {
  return class extends WebSocketImpl {
    constructor(url) {
      super(url);
      this.addEventListener("message", (m) => {
        const d = m.data;
        frames.push(decodeFrame(new Uint8Array(d instanceof ArrayBuffer ? d : d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength))));
      });
    }
  };
}

test.after(() => clients.forEach((c) => c.close()));

test("connects, authenticates, heartbeats, and receives a room push", async () => {
  const r = recorder();
  const c = client({ token: goimToken(101, "", "live://ts-1", "web", [1000]), heartbeatFromServer: false,
    heartbeatIntervalMs: 300 }, r.listener);
  await c.connect();
  assert.equal(c.state, "CONNECTED");
  assert.equal(c.node, WS_URL);
  await post("/goim/push/room?operation=1000&type=live&room=ts-1", "hello room");
  await until("the room push", () => r.pushes.includes("1000:hello room"));
  await until("a heartbeat reply with the online count", () => c.heartbeatReplies > 0 && c.onlineCount >= 1);
});

test("an op-9 batch of room pushes is unwrapped in order", async () => {
  const r = recorder();
  const frames = [];
  const c = client({ token: goimToken(102, "", "live://ts-2", "web", [1000]), WebSocket: tapped(frames) }, r.listener);
  await c.connect();
  const sent = [];
  for (let i = 0; i < 8; i++) {
    sent.push(`1000:m${i}`);
    await post("/goim/push/room?operation=1000&type=live&room=ts-2", `m${i}`);
  }
  await until("8 room pushes", () => r.pushes.length >= 8);
  assert.deepEqual(r.pushes, sent);
  const batches = frames.filter((f) => f.op === 9).map((f) => unpackFrames(f.body).length);
  assert.ok(batches.some((n) => n > 1), `a batch of several inner frames among ${batches}`);
  assert.equal(batches.reduce((a, b) => a + b, 0), 8);
});

test("upstream messages get their reply by seq; change room and watch take effect", async () => {
  const r = recorder();
  const c = client({ token: goimToken(103, "ts-3-key", "live://ts-3a", "web", [1000]) }, r.listener);
  await c.connect();
  const reply = await c.sendUpstream(4, "hello upstream");
  assert.deepEqual([reply.op, reply.body.length], [4, 0]);
  const biz = await c.sendUpstream(1000, "biz");
  assert.equal(biz.op, 1000);
  assert.ok(biz.seq > reply.seq);

  assert.equal(await c.changeRoom("live://ts-3b"), "live://ts-3b");
  await post("/goim/push/room?operation=1000&type=live&room=ts-3a", "old room");
  await post("/goim/push/room?operation=1000&type=live&room=ts-3b", "new room");
  await until("the new room's push", () => r.pushes.includes("1000:new room"));
  assert.ok(!r.pushes.includes("1000:old room"));

  await c.watch(1002);
  await post("/goim/push/keys?operation=1002&keys=ts-3-key", "watched");
  await until("the watched op", () => r.pushes.includes("1002:watched"));
  await c.unwatch(1002);
  await post("/goim/push/keys?operation=1002&keys=ts-3-key", "unwatched");
  await post("/goim/push/keys?operation=1000&keys=ts-3-key", "marker");
  await until("the marker", () => r.pushes.includes("1000:marker"));
  assert.ok(!r.pushes.includes("1002:unwatched"));
});

test("a forced reconnect resumes with the last positions: no loss, no duplicate, recovered", async () => {
  assert.ok(CONTROL, "set JGOIM_CONTROL (server's TypeScriptClientIT does)");
  const room = "live://ts-resume";
  const r = recorder();
  const key = "ts-resume-key";
  const c = client({ token: goimToken(701, key, room, "web", [1000]), positions: true, backoffMinMs: 800,
    backoffMaxMs: 1200, ackIntervalMs: 200 }, r.listener);
  await c.connect();
  for (let i = 1; i <= 3; i++) await post("/goim/push/room?operation=1000&type=live&room=ts-resume", `r${i}`);
  await post("/goim/push/mids?operation=1000&mids=701", "m1");
  await until("the first messages", () => r.bodies(room).length === 3 && r.bodies("mid:701").length === 1);

  const dropped = await fetch(`${CONTROL}/drop?key=${key}`, { method: "POST" });
  assert.equal(dropped.status, 200, await dropped.text());
  await until("the client noticing", () => c.state !== "CONNECTED");
  for (let i = 4; i <= 8; i++) await post("/goim/push/room?operation=1000&type=live&room=ts-resume", `r${i}`);
  await post("/goim/push/mids?operation=1000&mids=701", "m2");
  await until("the reconnect", () => c.state === "CONNECTED" && c.reconnects === 1);
  await post("/goim/push/room?operation=1000&type=live&room=ts-resume", "r9");
  await until("all nine", () => r.bodies(room).length >= 9 && r.bodies("mid:701").length >= 2);

  assert.deepEqual(r.bodies(room), ["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9"]);
  assert.deepEqual(r.offsets(room), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(r.bodies("mid:701"), ["m1", "m2"]);
  // the comet's socket closed under the session: not terminal, so the client came back by itself
  assert.equal(r.closes.length, 1, JSON.stringify(r.closes));
  assert.deepEqual([r.closes[0].status.terminal, r.closes[0].again], [false, true], `${r.closes[0].status}`);
  const asked = (stream) => r.states.filter((s) => s.stream === stream && s.asked).at(-1);
  assert.ok(recovered(asked(room)), JSON.stringify(r.states));
  assert.ok(recovered(asked("mid:701")), JSON.stringify(r.states));
  assert.deepEqual(c.positions.find((p) => p.stream === room).offset, 9);
  await until("an ack of the member stream", () => c.acksSent > 0);
  assert.equal(c.state, "CONNECTED");
});

test("a late joiner reads the room's recent messages", async () => {
  const c = client({ token: goimToken(0, "", "live://ts-resume", "web", [1000]), positions: true });
  await c.connect();
  const recent = await c.recent("live://ts-resume", 3);
  assert.deepEqual(recent.map((p) => dec(p.body)), ["r7", "r8", "r9"]);
  assert.deepEqual(recent.map((p) => p.offset), [7, 8, 9]);
  await assert.rejects(c.recent("live://other", 3), (e) => e.code === ErrorCode.STREAM_FORBIDDEN);
});

test("a terminal close (REPLACED) stops reconnecting and says why", async () => {
  const first = recorder();
  const a = client({ token: goimToken(801, "ts-same-key", "live://ts-5", "web", [1000]) }, first.listener);
  await a.connect();
  const b = client({ token: goimToken(801, "ts-same-key", "live://ts-5", "web", [1000]) });
  await b.connect();
  await until("the first session's close", () => a.state === "CLOSED");
  const { status, again } = first.closes[0];
  assert.deepEqual([status.code, status.name, status.kind, status.terminal, again],
    [CloseCode.REPLACED, "REPLACED", "terminal", true, false]);
  assert.equal(status.meaning, "another session authenticated with the same key");
  await new Promise((r) => setTimeout(r, 1000)); // more than the backoff: a reconnect would have happened
  assert.deepEqual([a.state, a.reconnects, first.closes.length], ["CLOSED", 0, 1]);
  assert.equal(b.state, "CONNECTED");
});

test("a refused token is a terminal close: the connect rejects with the reason and nothing retries", async () => {
  const r = recorder();
  const c = client({ token: "not a token" }, r.listener);
  const e = await c.connect().then(() => null, (err) => err);
  assert.ok(e, "the connect must fail");
  assert.equal(e.code, ErrorCode.UNAUTHORIZED);
  assert.deepEqual([e.close.code, e.close.name, e.close.terminal], [CloseCode.AUTH_FAILED, "AUTH_FAILED", true]);
  assert.equal(c.state, "CLOSED");
  await new Promise((res) => setTimeout(res, 700)); // more than the backoff
  assert.deepEqual([c.state, r.closes.length, r.closes[0].again], ["CLOSED", 1, false]);
});

test("failover: a dead configured address, then logic's node list", async () => {
  const nodes = await (await fetch(`${API}/goim/nodes/weighted?platform=web`)).text();
  const c = client({ url: "ws://127.0.0.1:1/sub", nodesUrl: `${API}/goim/nodes/weighted`,
    token: goimToken(901, "", "live://ts-6", "web", [1000]) });
  await c.connect();
  assert.notEqual(c.node, "ws://127.0.0.1:1/sub", nodes);
  assert.equal(c.state, "CONNECTED");
});

test("the README's Node example runs as written against the server", async () => {
  const { readFileSync, writeFileSync, rmSync } = await import("node:fs");
  const { execFile } = await import("node:child_process");
  const { fileURLToPath } = await import("node:url");
  const readme = readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");
  const example = /Node\.js \(18[^\n]*\n\n```js\n([\s\S]*?)```/.exec(readme)[1];
  assert.ok(example.includes('"ws://127.0.0.1:3102/sub"'));
  const file = fileURLToPath(new URL("./readme-example.tmp.mjs", import.meta.url));
  writeFileSync(file, example.replace('"ws://127.0.0.1:3102/sub"', JSON.stringify(WS_URL))
    .replace('"@jgoim/client"', '"../../dist/index.js"'));
  try {
    const out = await new Promise((resolve, reject) =>
      execFile(process.execPath, [file], { timeout: 20000 }, (e, stdout, stderr) =>
        (e ? reject(new Error(`${e.message}\n${stdout}\n${stderr}`)) : resolve(stdout))));
    assert.match(out, /reply op 1000 online \d+/);
  } finally {
    rmSync(file, { force: true });
  }
});
