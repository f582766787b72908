// The client against scripted WebSocket servers (the `ws` package's server, real sockets): what a real comet
// cannot be made to send on demand — malformed frames, drain hints, silence.
import { test } from "node:test";
import assert from "node:assert/strict";
import WebSocket, { WebSocketServer } from "ws";
import { CloseCode, ErrorCode, JgoimClient, Op, decodeFrame, encodeFrame, goimToken } from "../../dist/index.js";

const enc = (s) => new TextEncoder().encode(s);

/** A server that answers auth with {@code authJson} and hands every later frame to {@code onFrame}. */
async function scripted(onFrame = () => {}, authJson = '{"key":"srv-key","heartbeat":7}') {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((r) => wss.once("listening", r));
  const auths = [];
  wss.on("connection", (ws) => {
    ws.on("message", (data) => {
      const f = decodeFrame(new Uint8Array(data));
      if (f.op === Op.AUTH) {
        auths.push(new TextDecoder().decode(f.body));
        ws.send(encodeFrame(f.ver, Op.AUTH_REPLY, f.seq, enc(authJson)));
      } else {
        onFrame(ws, f);
      }
    });
  });
  const url = `ws://127.0.0.1:${wss.address().port}/sub`;
  return { wss, url, auths, close: () => new Promise((r) => { wss.clients.forEach((c) => c.terminate()); wss.close(r); }) };
}

function recorder() {
  const r = { pushes: [], closes: [], errors: [], connected: [] };
  r.listener = {
    onPush: (c, op, seq, body) => r.pushes.push(`${op}:${new TextDecoder().decode(body)}`),
    onClose: (c, status, again) => r.closes.push([status.code, status.reason, again]),
    onConnected: (c, node) => r.connected.push(node),
  };
  return r;
}

const until = async (f, ms = 5000) => {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
};

test("auth keeps the server's key and advised heartbeat; pushes and replies are routed", async () => {
  const s = await scripted((ws, f) => {
    if (f.op === Op.CHANGE_ROOM) ws.send(encodeFrame(1, Op.CHANGE_ROOM_REPLY, f.seq, f.body));
    if (f.op === 1000) ws.send(encodeFrame(2, Op.ERROR_REPLY, f.seq, enc('{"code":300,"message":"rate limited"}')));
  });
  const r = recorder();
  const c = new JgoimClient({ url: s.url, token: goimToken(1, "", "live://1", "web", [1000]), WebSocket }, r.listener);
  try {
    await c.connect();
    assert.equal(c.state, "CONNECTED");
    assert.equal(c.heartbeatIntervalMs, 7000);
    assert.equal(await c.changeRoom("live://2"), "live://2");
    await assert.rejects(c.sendUpstream(1000, "x"), (e) => e.code === ErrorCode.RATE_LIMITED);
    await assert.rejects(c.sendUpstream(5, "x"), (e) => e.code === ErrorCode.BAD_PARAMETER);
    await assert.rejects(c.sendUpstream(4, new Uint8Array(4097)), (e) => e.code === ErrorCode.BODY_TOO_LARGE);
    assert.equal(s.auths[0], '{"mid":1,"key":"","room_id":"live://1","platform":"web","accepts":[1000]}');
  } finally {
    c.close();
    await s.close();
  }
});

test("a request without a reply times out with TIMEOUT; the session stays", async () => {
  const s = await scripted();
  const c = new JgoimClient({ url: s.url, token: "jwt.a.b", WebSocket, requestTimeoutMs: 200 });
  try {
    await c.connect();
    await assert.rejects(c.watch(1001), (e) => e.code === ErrorCode.TIMEOUT);
    assert.equal(c.state, "CONNECTED");
  } finally {
    c.close();
    await s.close();
  }
});

test("a malformed frame from the server closes with PROTOCOL_ERROR and stops; nothing throws", async () => {
  const bad = {
    "garbage bytes": Uint8Array.from([1, 2, 3]),
    "bad inner frame in op 9": encodeFrame(1, Op.RAW, 0, Uint8Array.from([0, 0, 0, 40, 0, 16])),
    "text message": "hello",
  };
  for (const [name, payload] of Object.entries(bad)) {
    const s = await scripted((ws, f) => {
      if (f.op === Op.SUB) {
        ws.send(encodeFrame(1, Op.RAW, 0, encodeFrame(1, 1000, 0, enc("before"))));
        ws.send(payload);
      }
    });
    const r = recorder();
    const c = new JgoimClient({ url: s.url, token: "t", WebSocket, backoffMinMs: 10, backoffMaxMs: 20 }, r.listener);
    try {
      await c.connect();
      await assert.rejects(c.watch(1000), (e) => e.code === ErrorCode.UNAVAILABLE, name);
      await until(() => c.state === "CLOSED");
      assert.equal(r.closes.length, 1, name);
      assert.equal(r.closes[0][0], CloseCode.PROTOCOL_ERROR, name);
      assert.equal(r.closes[0][2], false, name);
      assert.deepEqual(r.pushes, ["1000:before"], name);
      assert.equal(c.lastClose.terminal, true);
    } finally {
      c.close();
      await s.close();
    }
  }
});

test("a drain goodbye's node hints are tried first on reconnect", async () => {
  const b = await scripted();
  const hints = `{"nodes":["127.0.0.1:${new URL(b.url).port}"]}`;
  const a = await scripted((ws, f) => {
    if (f.op === Op.SUB) {
      const body = Buffer.concat([Buffer.from([0, 0, 0x0f, 0xa1]), Buffer.from("draining"), Buffer.from([0]), Buffer.from(hints)]);
      ws.send(encodeFrame(2, Op.DISCONNECT, 0, new Uint8Array(body)));
      ws.close(4001, "draining");
    }
  });
  const r = recorder();
  const c = new JgoimClient({ url: a.url, token: goimToken(9, "", "live://1"), WebSocket, backoffMinMs: 10, backoffMaxMs: 20 },
    r.listener);
  try {
    await c.connect();
    c.watch(1000).catch(() => {});
    await until(() => c.reconnects === 1);
    assert.deepEqual(r.connected, [a.url, b.url]);
    assert.deepEqual(r.closes[0], [4001, "draining", true]);
    assert.deepEqual(c.lastClose.nodes, [`127.0.0.1:${new URL(b.url).port}`]);
    // the key the first server generated went into the second auth
    assert.equal(b.auths[0], '{"mid":9,"key":"srv-key","room_id":"live://1","platform":"web","accepts":[]}');
    await until(() => b.wss.clients.size === 1);
  } finally {
    c.close();
    await a.close();
    await b.close();
  }
});

test("a throwing listener does not cost the session", async () => {
  const s = await scripted((ws, f) => {
    if (f.op === Op.SUB) {
      ws.send(encodeFrame(1, Op.RAW, 0, Uint8Array.from([...encodeFrame(1, 1000, 0, enc("1")), ...encodeFrame(1, 1000, 0, enc("2"))])));
      ws.send(encodeFrame(1, Op.SUB_REPLY, f.seq, f.body));
    }
  });
  const seen = [];
  const errors = [];
  const c = new JgoimClient({ url: s.url, token: "t", WebSocket, onListenerError: (w, e) => errors.push(w) }, {
    onPush: (cl, op, seq, body) => {
      seen.push(new TextDecoder().decode(body));
      throw new Error("app bug");
    },
  });
  try {
    await c.connect();
    await c.watch(1000);
    assert.deepEqual(seen, ["1", "2"]);
    assert.deepEqual(errors, ["onPush", "onPush"]);
    assert.equal(c.state, "CONNECTED");
  } finally {
    c.close();
    await s.close();
  }
});

test("a first connect that nothing answers fails after one round with firstConnectTimeoutMs 0", async () => {
  const r = recorder();
  const c = new JgoimClient({ urls: ["ws://127.0.0.1:1/sub", "ws://127.0.0.1:2/sub"], token: "t", WebSocket,
    firstConnectTimeoutMs: 0 }, r.listener);
  await assert.rejects(c.connect(), (e) => e.code === ErrorCode.UNAVAILABLE);
  assert.equal(c.state, "CLOSED");
  assert.deepEqual(r.closes.map((x) => x[2]), [true, false]);
});

test("a first connect that nothing answers is retried with backoff until firstConnectTimeoutMs", async () => {
  const r = recorder();
  const c = new JgoimClient({ url: "ws://127.0.0.1:1/sub", token: "t", WebSocket, backoffMinMs: 100,
    backoffMaxMs: 200, firstConnectTimeoutMs: 1500 }, r.listener);
  const delays = [];
  r.listener.onClose = (cl, status, again) => {
    r.closes.push([status.code, status.reason, again]);
    if (again) delays.push(cl.retryDelayMs);
  };
  const start = Date.now();
  await assert.rejects(c.connect(), (e) => e.code === ErrorCode.UNAVAILABLE && e.close?.code === 1006 &&
    /attempts/.test(e.message));
  const ms = Date.now() - start;
  assert.ok(ms >= 1300 && ms < 4000, `kept trying until the timeout left no room: ${ms} ms`);
  assert.equal(c.state, "CLOSED");
  assert.ok(r.closes.length >= 6 && r.closes.length <= 16, `attempts 100-200 ms apart: ${r.closes.length}`);
  assert.deepEqual(r.closes.map((x) => x[2]), [...Array(r.closes.length - 1).fill(true), false]);
  assert.ok(delays.every((d) => d >= 100 && d <= 200), `delays ${delays}`);
});

test("close() while a first connect waits rejects connect() and stops the attempts", async () => {
  const r = recorder();
  const c = new JgoimClient({ url: "ws://127.0.0.1:1/sub", token: "t", WebSocket, backoffMinMs: 300,
    backoffMaxMs: 300 }, r.listener);
  const p = c.connect();
  await until(() => c.state === "RECONNECTING");
  c.close();
  await assert.rejects(p, (e) => e.code === ErrorCode.UNAVAILABLE && /client closed/.test(e.message));
  await new Promise((res) => setTimeout(res, 700));
  assert.equal(r.closes.length, 1);
  assert.equal(c.state, "CLOSED");
});

test("token refresh: op 23 by hand and ahead of expiry with a refresher; a refusal keeps the session", async () => {
  const soon = Math.floor(Date.now() / 1000) + 3;
  const refreshed = [];
  const s = await scripted((ws, f) => {
    if (f.op === Op.REFRESH) {
      const token = new TextDecoder().decode(f.body);
      refreshed.push(token);
      ws.send(token === "bad"
        ? encodeFrame(2, Op.ERROR_REPLY, f.seq, enc('{"code":113,"message":"another member"}'))
        : encodeFrame(2, Op.REFRESH_REPLY, f.seq, enc('{"expires":0}')));
    }
  }, `{"key":"k","heartbeat":30,"expires":${soon}}`);
  const c = new JgoimClient({ url: s.url, token: "t1", WebSocket, tokenRefresher: async () => "t2" });
  try {
    await c.connect();
    assert.equal(c.tokenExpiry, soon);
    // half of the ~3 s left: the refresher's token goes as op 23 and its expiry (never) is taken
    await until(() => refreshed.includes("t2"), 4000);
    await until(() => c.tokenExpiry === 0);
    await assert.rejects(c.refreshToken("bad"), (e) => e.code === ErrorCode.TOKEN_WRONG_MEMBER);
    assert.equal(await c.refreshToken("t3"), 0);
    assert.equal(c.state, "CONNECTED");
  } finally {
    c.close();
    await s.close();
  }
});

/** A server that closes the first attempt with TOKEN_EXPIRED (4014) before any auth reply and answers the later ones. */
async function expiresFirstAuth() {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((r) => wss.once("listening", r));
  const auths = [];
  wss.on("connection", (ws) => {
    ws.on("message", (data) => {
      const f = decodeFrame(new Uint8Array(data));
      if (f.op !== Op.AUTH) return;
      auths.push(new TextDecoder().decode(f.body));
      if (auths.length === 1) {
        ws.close(CloseCode.TOKEN_EXPIRED, "token expired");
      } else {
        ws.send(encodeFrame(f.ver, Op.AUTH_REPLY, f.seq, enc('{"key":"k","heartbeat":30}')));
      }
    });
  });
  const url = `ws://127.0.0.1:${wss.address().port}/sub`;
  return { url, auths, close: () => new Promise((r) => { wss.clients.forEach((c) => c.terminate()); wss.close(r); }) };
}

test("a first connect closed with TOKEN_EXPIRED retries with the refresher's token, as a reconnect does", async () => {
  const s = await expiresFirstAuth();
  const r = recorder();
  let asked = 0;
  const c = new JgoimClient({ url: s.url, token: "t1", WebSocket, backoffMinMs: 10, backoffMaxMs: 20,
    tokenRefresher: async () => `t${2 + asked++}` }, r.listener);
  try {
    await c.connect();
    assert.deepEqual(s.auths, ["t1", "t2"], "the refresher's token, not the expired one");
    assert.equal(asked, 1);
    assert.deepEqual(r.closes.map((x) => [x[0], x[2]]), [[CloseCode.TOKEN_EXPIRED, true]]);
    assert.equal(c.state, "CONNECTED");
    assert.equal(c.reconnects, 0, "still the first connect");
  } finally {
    c.close();
    await s.close();
  }
});

test("a first connect closed with TOKEN_EXPIRED retries the token in hand without a refresher or when it fails", async () => {
  for (const tokenRefresher of [undefined, async () => { throw new Error("identity provider down"); }]) {
    const s = await expiresFirstAuth();
    const c = new JgoimClient({ url: s.url, token: "t1", WebSocket, backoffMinMs: 10, backoffMaxMs: 20, tokenRefresher });
    try {
      await c.connect();
      assert.deepEqual(s.auths, ["t1", "t1"]);
    } finally {
      c.close();
      await s.close();
    }
  }
});
