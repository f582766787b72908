// The first connect against a REAL comet that refuses it, started by server's TypeScriptClientIT with each address
// limited to one connect a second (limits.connectRatePerIp 1, burst 1, no bans). It passes:
//   JGOIM_WS_URL   the comet's WebSocket URL
//   JGOIM_CONTROL  the IT's control endpoint: GET /counts = the comet's refusals by limit (ip_connect_rate), the auths
//                  logic accepted (authAccepted) and the auths the comet saw refused (authFailures)
// A refused first attempt (4016, retry-after=1) is waited out and retried; a refused token fails at once after one
// attempt; close() during the wait rejects connect() and no attempt follows. Every count is a delta around the test.
// The tests share the address's bucket, so they run in order (node:test runs one file's tests one after another).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { CloseCode, ErrorCode, JgoimClient, goimToken, retryAfterSeconds } from "../../dist/index.js";

const WebSocketImpl = globalThis.WebSocket ?? (await import("ws")).default;
const WS_URL = process.env.JGOIM_WS_URL;
const CONTROL = process.env.JGOIM_CONTROL;

before(() => {
  assert.ok(WS_URL && CONTROL, "set JGOIM_WS_URL and JGOIM_CONTROL (server's TypeScriptClientIT does)");
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function counts() {
  const r = await fetch(`${CONTROL}/counts`);
  assert.equal(r.status, 200);
  return r.json();
}

/** Spends the address's connects: bare WebSockets (closed once open) until the comet refuses one with 4016. */
async function spendTheAddressesConnects() {
  for (let i = 0; i < 10; i++) {
    const code = await new Promise((resolve) => {
      const ws = new WebSocketImpl(WS_URL);
      ws.onopen = () => undefined;
      ws.onerror = () => undefined;
      ws.onclose = (e) => resolve(e.code);
      ws.onmessage = () => undefined;
      setTimeout(() => ws.readyState === 1 && ws.close(1000), 30);
    });
    if (code === CloseCode.CONNECT_RATE_LIMITED) {
      return;
    }
  }
  assert.fail("the comet never refused a connect from this address");
}

function attempts() {
  const a = { closes: [], again: [], delays: [], connected: 0 };
  a.listener = {
    onClose: (c, status, again) => {
      a.closes.push(status);
      a.again.push(again);
      if (again) a.delays.push(c.retryDelayMs);
    },
    onConnected: () => a.connected++,
  };
  return a;
}

const clients = [];
function client(a, options = {}) {
  const c = new JgoimClient({ url: WS_URL, WebSocket: WebSocketImpl, token: goimToken(7, "", "live://first", "web",
    [1000]), backoffMinMs: 50, backoffMaxMs: 200, ...options }, a.listener);
  clients.push(c);
  return c;
}

test.after(() => clients.forEach((c) => c.close()));

test("a first connect refused by the address's connect rate waits the retry-after and gets in", async () => {
  await spendTheAddressesConnects();
  await sleep(100); // the comet has counted the spent connects' closes
  const before = await counts();
  const a = attempts();
  const c = client(a);
  const start = Date.now();

  await c.connect();

  const waited = Date.now() - start;
  const after = await counts();
  assert.equal(c.state, "CONNECTED");
  assert.ok(a.closes.length >= 1, "the first attempt was refused");
  for (const s of a.closes) {
    assert.equal(s.code, CloseCode.CONNECT_RATE_LIMITED);
    assert.equal(retryAfterSeconds(s.reason), 1);
  }
  assert.ok(a.again.every((x) => x === true));
  assert.ok(a.delays.every((d) => d >= 1000 && d < 2000), `waits ${a.delays}`);
  assert.ok(waited >= 1000, `connect() waited at least the retry-after: ${waited} ms`);
  assert.ok(a.closes.length <= Math.floor(waited / 1000), "no attempt before a retry-after was over");
  // every refusal the client heard was one the comet counted; one auth reached logic, accepted
  assert.equal(after.ip_connect_rate - before.ip_connect_rate, a.closes.length);
  assert.equal(after.authAccepted - before.authAccepted, 1);
  assert.equal(a.connected, 1);
  console.log(`first connect: ${a.closes.length} refusal(s) with retry-after=1, connected after ${waited} ms`);
  c.close();
});

test("a first connect with a refused token fails at once after one attempt", async () => {
  await sleep(2100); // the address's bucket is full again
  const before = await counts();
  const a = attempts();
  const c = client(a, { token: "not a goim token" });
  const start = Date.now();

  await assert.rejects(c.connect(), (e) => e.code === ErrorCode.UNAUTHORIZED && e.close?.code === CloseCode.AUTH_FAILED);

  assert.ok(Date.now() - start < 2000);
  assert.equal(c.state, "CLOSED");
  await sleep(500); // backoffs' worth: nothing else comes
  const after = await counts();
  assert.equal(a.closes.length, 1);
  assert.deepEqual(a.again, [false]);
  assert.equal(after.authFailures - before.authFailures, 1, "one auth, refused");
  assert.equal(after.authAccepted - before.authAccepted, 0);
  assert.equal(after.ip_connect_rate - before.ip_connect_rate, 0);
});

test("close() while a refused first connect waits rejects connect() and makes no other attempt", async () => {
  await sleep(2100);
  await spendTheAddressesConnects();
  await sleep(100);
  const before = await counts();
  const a = attempts();
  const c = client(a);
  const p = c.connect();
  const start = Date.now();
  while (c.state !== "RECONNECTING") {
    assert.ok(Date.now() - start < 5000, "the first attempt was refused");
    await sleep(5);
  }
  assert.equal(a.closes[0].code, CloseCode.CONNECT_RATE_LIMITED);
  assert.ok(a.delays[0] >= 1000);

  c.close();

  await assert.rejects(p, (e) => e.code === ErrorCode.UNAVAILABLE && /client closed/.test(e.message));
  assert.equal(c.state, "CLOSED");
  await sleep(2500); // past the wait the client had scheduled
  const after = await counts();
  assert.equal(after.ip_connect_rate - before.ip_connect_rate, 1, "no attempt after close()");
  assert.equal(after.authAccepted - before.authAccepted, 0);
  assert.equal(after.authFailures - before.authFailures, 0);
  assert.equal(a.closes.length, 1);
});
