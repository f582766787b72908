import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  Backoff, CloseCode, CloseStatus, Endpoints, ReconnectPolicy, retryAfterSeconds, closeKind, closeName, isTerminal, parseErrorReply,
  parseGoodbye, parseNodeList,
} from "../../dist/index.js";

test("every close code of docs/errors.md is classified with its kind and meaning", () => {
  // The registry is the doc: read its close-code table and hold the SDK to it.
  const doc = readFileSync(fileURLToPath(new URL("../../../../docs/errors.md", import.meta.url)), "utf8");
  const rows = [...doc.split("## Close codes")[1].matchAll(/^\| ([A-Z_]+) \| (-?\d+) \| (\w+|-) \| ([^|]+) \|/gm)];
  assert.ok(rows.length >= 15, `${rows.length} rows`);
  for (const [, name, code, kind, meaning] of rows) {
    const c = Number(code);
    if (c < 0) {
      continue;
    }
    const s = new CloseStatus(c, "r");
    assert.equal(s.name, name, code);
    assert.equal(s.kind, kind, code);
    assert.equal(s.meaning, meaning.trim(), code);
    assert.equal(s.terminal, kind === "terminal", code);
  }
});

test("unknown codes: 4500-4999 terminal, the rest reconnect", () => {
  assert.equal(closeKind(4599), "terminal");
  assert.equal(isTerminal(4999), true);
  assert.equal(isTerminal(5000), false);
  assert.equal(closeKind(4099), "reconnect");
  assert.equal(closeKind(1006), "reconnect");
  assert.equal(closeName(4321), "UNKNOWN");
  assert.equal(new CloseStatus(4321).meaning, "unknown close code");
  assert.equal(CloseStatus.abnormal("x").code, 1006);
});

test("the drain goodbye of docs/protocol.md gives SHUTDOWN with its two node hints", () => {
  const reason = "server shutting down or draining; reconnect to another node";
  const hints = '{"nodes":["10.0.0.2:3101","10.0.0.3:3101"]}';
  const body = Buffer.concat([Buffer.from([0, 0, 0x0f, 0xa1]), Buffer.from(reason), Buffer.from([0]), Buffer.from(hints)]);
  assert.equal(16 + body.length, 123); // the doc's packLen
  const s = parseGoodbye(new Uint8Array(body));
  assert.deepEqual([s.code, s.reason, s.nodes], [CloseCode.SHUTDOWN, reason, ["10.0.0.2:3101", "10.0.0.3:3101"]]);
  assert.equal(s.terminal, false);
  // without hints, and too short
  const plain = parseGoodbye(new Uint8Array(Buffer.concat([Buffer.from([0, 0, 0x11, 0x97]), Buffer.from("replaced")])));
  assert.deepEqual([plain.code, plain.reason, plain.nodes, plain.terminal], [4503, "replaced", [], true]);
  assert.equal(parseGoodbye(new Uint8Array([0, 1])).code, 1006);
  // malformed hints are dropped, never the code
  const junk = parseGoodbye(new Uint8Array(Buffer.concat([Buffer.from([0, 0, 0x0f, 0xa1, 0x41, 0]), Buffer.from("{nodes")])));
  assert.deepEqual([junk.code, junk.reason, junk.nodes], [4001, "A", []]);
});

test("node lists keep valid host:port and ws URLs in order", () => {
  const json = '{"code":0,"data":{"domain":"","nodes":["10.0.0.1:3102","[::1]:3102","bad","h:0","wss://x:443/sub"],"heartbeat":240}}';
  assert.deepEqual(parseNodeList(json), ["10.0.0.1:3102", "[::1]:3102", "wss://x:443/sub"]);
  assert.deepEqual(parseNodeList("{}"), []);
});

test("error replies read their code and message", () => {
  const e = parseErrorReply(new TextEncoder().encode('{"code":101,"message":"token expired"}'));
  assert.deepEqual(e, { code: 101, message: "101 token expired" });
  assert.equal(parseErrorReply(new TextEncoder().encode("nonsense")).code, -1);
});

test("full-jitter backoff stays within [min, min(max, min*2^(n+1))]", () => {
  const lo = new Backoff(100, 1000, () => 0);
  const hi = new Backoff(100, 1000, () => 0.999999);
  assert.deepEqual([0, 1, 2, 3, 10, 100].map((n) => lo.ceilingMs(n)), [200, 400, 800, 1000, 1000, 1000]);
  assert.deepEqual([0, 1, 2, 3].map((n) => lo.delayMs(n)), [100, 100, 100, 100]);
  assert.deepEqual([0, 1, 2, 3].map((n) => hi.delayMs(n)), [199, 399, 799, 999]);
  let seed = 1;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const b = new Backoff(50, 400, rnd);
  const draws = Array.from({ length: 200 }, () => b.delayMs(2));
  assert.ok(draws.every((d) => d >= 50 && d <= 400));
  assert.ok(new Set(draws).size > 50, "jittered, not fixed");
  assert.throws(() => new Backoff(0, 10), RangeError);
  assert.throws(() => new Backoff(10, 5), RangeError);
});

test("the reconnect policy grows the attempt and resets after a stable connection", () => {
  const p = new ReconnectPolicy(new Backoff(100, 10_000, () => 0.999999), 30_000);
  assert.deepEqual([-1, -1, 5, -1].map((l) => p.nextDelayMs(l)), [199, 399, 799, 1599]);
  assert.equal(p.attempt, 4);
  assert.equal(p.nextDelayMs(30_000), 199);
  assert.equal(p.attempt, 1);
});

test("endpoints: hints first, then the node list ahead of the configured URLs, in rotation", async () => {
  let fetched = 0;
  const fetch = async (url) => {
    fetched++;
    assert.equal(url, "http://logic/goim/nodes/weighted?platform=web");
    return { ok: true, status: 200, text: async () => '{"data":{"nodes":["n1:3102","n2:3102"]}}' };
  };
  const e = new Endpoints(["ws://a:3102/sub", "ws://b:3102/sub"], "http://logic/goim/nodes/weighted", fetch);
  assert.equal(await e.next(), "ws://n1:3102/sub");
  assert.equal(fetched, 1);
  assert.equal(await e.next(), "ws://n2:3102/sub");
  e.hint(["h1:3102", "wss://h2:443/sub"]);
  assert.equal(await e.next(), "ws://h1:3102/sub");
  assert.equal(await e.next(), "wss://h2:443/sub");
  assert.equal(e.hasHints, false);
  assert.equal(await e.next(), "ws://a:3102/sub");
  assert.equal(await e.next(), "ws://b:3102/sub");
  assert.equal(e.roundSize, 4);
  assert.equal(await e.next(), "ws://n1:3102/sub"); // wrapped: fetched again
  assert.equal(fetched, 2);
  // a failing list keeps the last rotation
  const down = new Endpoints(["ws://a:1/sub"], "http://logic/x?platform=web", async () => { throw new Error("down"); });
  assert.equal(await down.next(), "ws://a:1/sub");
  assert.throws(() => new Endpoints(["http://a/sub"]), RangeError);
});

test("a node list that never answers does not hold the client: it goes on with the configured URLs", async () => {
  // A logic whose listener stopped accepting still completes TCP handshakes in its backlog: fetch then never settles.
  let calls = 0;
  const hung = () => { calls++; return new Promise(() => {}); };
  const e = new Endpoints(["ws://a:3102/sub", "ws://b:3102/sub"], "http://logic/goim/nodes/weighted", hung, 50);
  assert.equal(await e.next(), "ws://a:3102/sub");
  assert.equal(await e.next(), "ws://b:3102/sub");
  assert.equal(calls, 1);
  assert.equal(await e.next(), "ws://a:3102/sub"); // wrapped: asked again, timed out again, same rotation
  assert.equal(calls, 2);
  // a body that never ends is bounded the same way
  const slowBody = async () => ({ ok: true, status: 200, text: () => new Promise(() => {}) });
  const f = new Endpoints(["ws://c:3102/sub"], "http://logic/x?platform=web", slowBody, 50);
  assert.equal(await f.next(), "ws://c:3102/sub");
});

test("the default fetch is called on the global object, as browsers require (found by the demo's browser test)", async () => {
  const original = globalThis.fetch;
  // A browser's fetch called with another `this` throws TypeError: Illegal invocation.
  globalThis.fetch = function (url) {
    if (this !== globalThis && this !== undefined) {
      throw new TypeError("Illegal invocation");
    }
    return Promise.resolve({ ok: true, status: 200, text: async () => `{"data":{"nodes":["n1:3102"]},"u":"${url}"}` });
  };
  try {
    const e = new Endpoints([], "http://logic/goim/nodes/weighted");
    assert.equal(await e.next(), "ws://n1:3102/sub");
  } finally {
    globalThis.fetch = original;
  }
});

test("a ban waits at least the ban time its close names, or the longest backoff when it names none", () => {
  const p = new ReconnectPolicy(new Backoff(100, 1000, () => 0.999999), 30_000);
  const banned = new CloseStatus(CloseCode.BANNED, "address banned retry-after=300");
  assert.equal(p.nextDelayMs(-1, banned), 300_000 + 99);
  assert.equal(p.nextDelayMs(-1, banned), 300_000 + 299);
  const q = new ReconnectPolicy(new Backoff(100, 1000, () => 0), 30_000);
  assert.equal(q.nextDelayMs(-1, new CloseStatus(CloseCode.BANNED, "address banned")), 1000);
});

test("a rate-limited connect waits its retry-after plus a jitter within one second, whatever the attempt", () => {
  const rate = new CloseStatus(CloseCode.CONNECT_RATE_LIMITED, "too many connects retry-after=3");
  const low = new ReconnectPolicy(new Backoff(100, 10_000, () => 0), 30_000);
  const high = new ReconnectPolicy(new Backoff(100, 10_000, () => 0.999999), 30_000);
  for (let i = 0; i < 8; i++) {
    assert.equal(low.nextDelayMs(-1, rate), 3000);
    assert.equal(high.nextDelayMs(-1, rate), 3999);
  }
  assert.equal(low.attempt, 8, "the count still grows, for the next lost connection");
  assert.equal(low.nextDelayMs(-1, CloseStatus.abnormal("connection reset")), 100);
  assert.equal(high.nextDelayMs(-1, CloseStatus.abnormal("connection reset")), 9999);
});

test("the clients told one second spread across that second", () => {
  let seed = 19;
  const lcg = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const p = new ReconnectPolicy(new Backoff(1000, 30_000, lcg), 30_000);
  const rate = new CloseStatus(CloseCode.CONNECT_RATE_LIMITED, "too many connects retry-after=1");
  const tenths = new Array(10).fill(0);
  for (let i = 0; i < 10_000; i++) {
    const d = p.nextDelayMs(-1, rate);
    assert.ok(d >= 1000 && d < 2000, `${d}`);
    tenths[Math.floor((d - 1000) / 100)]++;
  }
  for (const n of tenths) {
    assert.ok(n >= 850 && n <= 1150, `returns per 100 ms of the second: ${tenths}`);
  }
});

test("a rate-limited connect that names no time backs off as a lost connection", () => {
  const lost = new ReconnectPolicy(new Backoff(100, 10_000, () => 0.5), 30_000);
  const limited = new ReconnectPolicy(new Backoff(100, 10_000, () => 0.5), 30_000);
  for (let i = 0; i < 6; i++) {
    const a = lost.nextDelayMs(-1, CloseStatus.abnormal("connection reset"));
    const b = limited.nextDelayMs(-1, new CloseStatus(CloseCode.CONNECT_RATE_LIMITED, "too many connects"));
    assert.equal(b, a);
    assert.equal(b, 100 + Math.floor((Math.min(10_000, 100 * 2 ** (i + 1)) - 100) * 0.5));
  }
});

test("too many connections waits its retry-after plus the attempt's jitter, or the backoff when it names none", () => {
  const named = new CloseStatus(CloseCode.TOO_MANY_CONNECTIONS, "too many connections from this address retry-after=10");
  const p = new ReconnectPolicy(new Backoff(100, 1000, () => 0.999999), 30_000);
  assert.equal(p.nextDelayMs(-1, named), 10_000 + 99);
  assert.equal(p.nextDelayMs(-1, named), 10_000 + 299);
  const q = new ReconnectPolicy(new Backoff(100, 1000, () => 0), 30_000);
  assert.equal(q.nextDelayMs(-1, named), 10_000);
  const none = new CloseStatus(CloseCode.TOO_MANY_CONNECTIONS, "too many connections from this address");
  const lost = new ReconnectPolicy(new Backoff(100, 1000, () => 0.5), 30_000);
  const limited = new ReconnectPolicy(new Backoff(100, 1000, () => 0.5), 30_000);
  for (let i = 0; i < 5; i++) {
    const b = limited.nextDelayMs(-1, none);
    assert.equal(b, lost.nextDelayMs(-1, CloseStatus.abnormal("connection reset")), `attempt ${i}: the same draw`);
    assert.ok(b < 1000, `${b}`);
  }
});

test("any retryable close naming a retry-after waits it; a terminal or non-4xxx one does not", () => {
  const p = new ReconnectPolicy(new Backoff(100, 1000, () => 0), 30_000);
  assert.equal(p.nextDelayMs(-1, new CloseStatus(CloseCode.OVERLOADED, "overloaded retry-after=7")), 7000);
  const q = new ReconnectPolicy(new Backoff(100, 1000, () => 0), 30_000);
  assert.equal(q.nextDelayMs(-1, new CloseStatus(CloseCode.ABNORMAL, "upgrade refused retry-after=7")), 100);
  assert.equal(q.nextDelayMs(-1, new CloseStatus(CloseCode.AUTH_FAILED, "refused retry-after=7")), 100);
});

test("the retry-after token is read only in its documented form", () => {
  assert.equal(retryAfterSeconds("banned retry-after=42"), 42);
  assert.equal(retryAfterSeconds("retry-after=5"), 5);
  assert.equal(retryAfterSeconds("banned retry-after="), -1);
  assert.equal(retryAfterSeconds("banned retry-after=4x"), -1);
  assert.equal(retryAfterSeconds("bannedretry-after=4"), -1);
  assert.equal(retryAfterSeconds(""), -1);
});
