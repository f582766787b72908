import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ErrorCode, FrameError, Op, Positions, decodeFrame, encodeFrame, readAuthReply, readPositionList, readPublications,
  isMemberStream, recovered, unpackFrames, writeAuthBody, writePositionList, writeRecentRequest,
} from "../../dist/index.js";
import { hex, str, vector } from "./vectors.mjs";

const V3 = "jgoim-v3-vectors.json";
const E1 = 1700000000000000;
const E2 = 1700000000123456;
const E3 = 1700000000999999;

test("the ver-3 auth with two positions is built byte for byte", () => {
  const v = vector(V3, "auth request ver 3 with positions");
  const token = new TextEncoder().encode('{"mid":42,"key":"k-1","room_id":"live://1000","platform":"web","accepts":[1000]}');
  const body = writeAuthBody(token, [
    { stream: "live://1000", epoch: E1, offset: 17 },
    { stream: "mid:42", epoch: E2, offset: 5 },
  ]);
  assert.equal(hex(encodeFrame(3, Op.AUTH, 1, body)), v.hex);
  // a first connect, holding no position, sends the token alone
  assert.equal(writeAuthBody(token, []), token);
});

test("the ver-3 auth reply splits into its JSON and its stream states", () => {
  const f = decodeFrame(vector(V3, "auth reply ver 3 with positions").bytes);
  assert.deepEqual([f.ver, f.op, f.seq], [3, Op.AUTH_REPLY, 1]);
  const { json, states } = readAuthReply(f.body);
  assert.equal(json, '{"key":"k-1","heartbeat":240}');
  assert.deepEqual(states, [
    { stream: "live://1000", epoch: E1, offset: 19, asked: true, code: 0 },
    { stream: "mid:42", epoch: E3, offset: 2, asked: true, code: ErrorCode.EPOCH_CHANGED },
  ]);
  assert.deepEqual(states.map(recovered), [true, false]);
  // a ver-2 reply has no NUL: JSON only
  assert.deepEqual(readAuthReply(new TextEncoder().encode('{"key":"a"}')), { json: '{"key":"a"}', states: [] });
});

test("op 20 reads its stream, epoch and the messages at consecutive offsets", () => {
  const f = decodeFrame(vector(V3, "publications, two messages").bytes);
  assert.equal(f.op, Op.PUBLICATIONS);
  const b = readPublications(f.body);
  assert.deepEqual([b.stream, b.epoch, b.firstOffset], ["live://1000", E1, 18]);
  assert.deepEqual(unpackFrames(b.frames).map((m) => [m.op, str(m.body)]), [[1000, '{"n":18}'], [1000, '{"n":19}']]);
});

test("op 21 and op 22 position lists match the vectors both ways", () => {
  const state = decodeFrame(vector(V3, "stream state").bytes);
  assert.deepEqual(readPositionList(state.body),
    [{ stream: "live://1000", epoch: E1, offset: 40, asked: false, code: ErrorCode.HISTORY_TOO_SHORT }]);
  const ack = vector(V3, "ack");
  const body = writePositionList([{ stream: "live://1000", epoch: E1, offset: 19 }, { stream: "mid:42", epoch: E3, offset: 2 }]);
  assert.equal(hex(encodeFrame(3, Op.ACK, 7, body)), ack.hex);
});

test("op 25 is built as docs/protocol.md's example", () => {
  assert.equal(hex(encodeFrame(3, Op.RECENT, 5, writeRecentRequest("live://1000", 10))),
    "0000001d001000030000001900000005000a6c6976653a2f2f31303030");
  assert.throws(() => writeRecentRequest("live://1000", 0), RangeError);
  assert.throws(() => writeRecentRequest("live://1000", 1001), RangeError);
  assert.throws(() => writeRecentRequest("", 1), RangeError);
});

test("a malformed position list or publications prefix is a FrameError", () => {
  const good = writePositionList([{ stream: "a", epoch: 1, offset: 1 }]);
  const named = (s) => writePositionList([{ stream: s, epoch: 1, offset: 1 }]);
  const twice = Uint8Array.from([2, ...named("a").subarray(1), ...named("a").subarray(1)]);
  const cases = {
    empty: new Uint8Array(0),
    truncated: good.subarray(0, good.length - 1),
    trailing: Uint8Array.from([...good, 9]),
    "17 entries": Uint8Array.from([17]),
    "stream named twice": twice,
    "empty stream name": Uint8Array.from([1, 0, 0, 0, 0, 0, ...new Array(16).fill(0)]),
    "negative offset": (() => { const b = good.slice(); b[b.length - 8] = 0x80; return b; })(),
    "non-UTF-8 name": (() => { const b = good.slice(); b[6] = 0xff; return b; })(),
  };
  for (const [name, bytes] of Object.entries(cases)) {
    assert.throws(() => readPositionList(bytes), FrameError, name);
  }
  const pub = decodeFrame(vector(V3, "publications, two messages").bytes).body;
  const zeroFirst = pub.slice();
  zeroFirst.fill(0, 2 + 11 + 8, 2 + 11 + 16);
  assert.throws(() => readPublications(zeroFirst), /first offset 0/);
  assert.throws(() => readPublications(pub.subarray(0, 10)), FrameError);
});

test("positions drop duplicates by offset within an epoch and count them", () => {
  const p = new Positions();
  assert.deepEqual([1, 2, 3].map((o) => p.accept("live://1", E1, o)), [true, true, true]);
  assert.equal(p.accept("live://1", E1, 2), false);
  assert.equal(p.accept("live://1", E1, 3), false);
  assert.equal(p.accept("live://1", E1, 4), true);
  assert.equal(p.duplicates, 2);
  // another epoch: old offsets mean nothing
  assert.equal(p.accept("live://1", E2, 1), true);
  assert.equal(p.epochChanges, 1);
  assert.deepEqual(p.snapshot(), [{ stream: "live://1", epoch: E2, offset: 1 }]);
});

test("stream states move positions as the Java SDK does", () => {
  const p = new Positions();
  p.accept("live://1", E1, 5);
  p.accept("mid:7", E1, 3);
  // recovered: the replayed messages advance the position, the state does not
  p.apply({ stream: "live://1", epoch: E1, offset: 9, asked: true, code: 0 });
  assert.deepEqual(p.snapshot()[0], { stream: "live://1", epoch: E1, offset: 5 });
  // too short: continue after the listed position
  p.apply({ stream: "live://1", epoch: E1, offset: 40, asked: true, code: ErrorCode.HISTORY_TOO_SHORT });
  assert.deepEqual(p.snapshot()[0], { stream: "live://1", epoch: E1, offset: 40 });
  // history off: not asked for again
  p.apply({ stream: "mid:7", epoch: E1, offset: 3, asked: true, code: ErrorCode.HISTORY_OFF });
  assert.deepEqual(p.snapshot().map((s) => s.stream), ["live://1"]);
  // new epoch
  p.apply({ stream: "live://1", epoch: E3, offset: 0, asked: true, code: ErrorCode.EPOCH_CHANGED });
  assert.deepEqual(p.snapshot()[0], { stream: "live://1", epoch: E3, offset: 0 });
  assert.equal(p.accept("live://1", E3, 1), true);
});

test("positions keep at most 16 streams, evicting the stalest", () => {
  const p = new Positions();
  for (let i = 0; i < 17; i++) {
    p.accept(`live://${i}`, E1, 1);
  }
  assert.equal(p.size, 16);
  assert.ok(!p.snapshot().some((s) => s.stream === "live://0"));
  assert.ok(writePositionList(p.snapshot()).length > 0);
});

test("u64 values beyond 2^53 are refused, not rounded", () => {
  const b = writePositionList([{ stream: "a", epoch: 1, offset: 1 }]);
  b.fill(0x01, 7, 15); // epoch 0x0101010101010101
  assert.throws(() => readPositionList(b), /beyond/);
  assert.throws(() => writePositionList([{ stream: "a", epoch: 2 ** 60, offset: 1 }]), RangeError);
});

test("a member stream is recognised in any tenant's namespace, a room or broadcast stream is not", () => {
  assert.equal(isMemberStream("mid:42"), true);
  assert.equal(isMemberStream("acme\u001fmid:42"), true);
  assert.equal(isMemberStream("acme\u001flive://1"), false);
  assert.equal(isMemberStream("acme\u001fbroadcast"), false);
  assert.equal(isMemberStream("live://mid:1"), false);
  assert.equal(isMemberStream("broadcast"), false);
});
