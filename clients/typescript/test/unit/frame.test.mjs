import { test } from "node:test";
import assert from "node:assert/strict";
import { FrameError, Op, decodeFrame, encodeFrame, unpackFrames, forEachFrame } from "../../dist/index.js";
import { hex, str, vector, vectors } from "./vectors.mjs";

const GOIM = "goim-v2-captured.json";

test("every captured goim frame decodes and re-encodes to exactly its bytes", () => {
  const all = vectors(GOIM).filter((v) => !(v.transport === "tcp" && v.name.includes("batched")));
  assert.ok(all.length >= 13, `only ${all.length} vectors`);
  for (const v of all) {
    const f = decodeFrame(v.bytes);
    assert.equal(hex(encodeFrame(f.ver, f.op, f.seq, f.body)), v.hex, v.name);
  }
});

test("client frames are built byte for byte as goim's client sent them", () => {
  const auth = vector(GOIM, "auth request");
  const token = str(decodeFrame(auth.bytes).body);
  assert.equal(hex(encodeFrame(1, Op.AUTH, 1, new TextEncoder().encode(token))), auth.hex);
  assert.equal(hex(encodeFrame(1, Op.HEARTBEAT, 2)), vector(GOIM, "heartbeat").hex);
  assert.equal(hex(encodeFrame(1, Op.SUB, 3, new TextEncoder().encode("1000,1001"))), vector(GOIM, "watch ops").hex);
  assert.equal(hex(encodeFrame(1, Op.SEND_MSG, 4, new TextEncoder().encode("hello upstream"))),
    vector(GOIM, "upstream send").hex);
});

test("server replies decode with their op, seq and body", () => {
  const hb = decodeFrame(vector(GOIM, "heartbeat reply").bytes);
  assert.deepEqual([hb.ver, hb.op, hb.seq, hb.body.length], [1, 3, 2, 4]);
  assert.equal(new DataView(hb.body.buffer, hb.body.byteOffset).getInt32(0), 1);
  const room = decodeFrame(vector(GOIM, "change room reply").bytes);
  assert.equal(room.op, 13);
  assert.equal(str(room.body), str(decodeFrame(vector(GOIM, "change room").bytes).body));
  const echo = decodeFrame(vector(GOIM, "upstream send reply").bytes);
  assert.deepEqual([echo.op, echo.seq, echo.body.length], [4, 4, 0]);
});

test("an op-9 WebSocket batch unwraps into its three inner frames in order", () => {
  const outer = decodeFrame(vector(GOIM, "room push, three messages batched", "websocket").bytes);
  assert.deepEqual([outer.ver, outer.op, outer.seq], [1, Op.RAW, 0]);
  const inner = unpackFrames(outer.body);
  assert.deepEqual(inner.map((f) => [f.op, f.seq, str(f.body)]),
    [[1000, 0, '{"n":0}'], [1000, 0, '{"n":1}'], [1000, 0, '{"n":2}']]);
  // the same inner frames goim writes back to back over TCP
  const tcp = unpackFrames(vector(GOIM, "room push, three messages batched", "tcp").bytes);
  assert.deepEqual(tcp.map((f) => str(f.body)), inner.map((f) => str(f.body)));
});

test("malformed frames are refused with FrameError, never a RangeError", () => {
  const ok = encodeFrame(1, 1000, 0, new Uint8Array([1, 2, 3]));
  const cases = {
    "short header": ok.subarray(0, 10),
    "packLen below 16": (() => { const b = ok.slice(); b[3] = 15; return b; })(),
    "packLen past the end": (() => { const b = ok.slice(); b[3] = 40; return b; })(),
    "headerLen not 16": (() => { const b = ok.slice(); b[5] = 17; return b; })(),
    "trailing bytes after the frame": Uint8Array.from([...ok, 0]),
    "negative packLen": (() => { const b = ok.slice(); b[0] = 0xff; return b; })(),
  };
  for (const [name, bytes] of Object.entries(cases)) {
    assert.throws(() => decodeFrame(bytes), FrameError, name);
  }
});

test("a malformed inner frame stops the walk after the frames before it, at its offset", () => {
  const a = encodeFrame(1, 1000, 0, new TextEncoder().encode("a"));
  const body = Uint8Array.from([...a, ...a, 0, 0, 0, 3]);
  const seen = [];
  assert.equal(forEachFrame(body, (f) => seen.push(str(f.body))), a.length * 2);
  assert.deepEqual(seen, ["a", "a"]);
  assert.throws(() => unpackFrames(body), /offset 34/);
});
