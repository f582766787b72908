// Decode cost of one op-9 WebSocket message holding 50 room messages (issue #18's TS benchmark): the outer frame is
// decoded and its 50 inner frames walked, as the client does before handing each one to onPush.
// Run: npm run build && node bench/decode-batch.mjs   (prints µs per batch; a measurement, not a test)
import { Op, decodeFrame, encodeFrame, forEachFrame } from "../dist/index.js";

const body = new TextEncoder().encode('{"user":"u-12345","text":"a comment of typical length!"}');
const inner = [];
for (let i = 0; i < 50; i++) {
  inner.push(...encodeFrame(1, 1000, 0, body));
}
const message = encodeFrame(1, Op.RAW, 0, Uint8Array.from(inner));

function decodeOnce() {
  let n = 0;
  const outer = decodeFrame(message);
  forEachFrame(outer.body, (f) => {
    n += f.body.length + f.op;
  });
  return n;
}

let sink = 0;
for (let i = 0; i < 20000; i++) sink += decodeOnce(); // warm-up
const rounds = 5;
const perRound = 50000;
const results = [];
for (let r = 0; r < rounds; r++) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < perRound; i++) sink += decodeOnce();
  results.push(Number(process.hrtime.bigint() - t0) / 1000 / perRound);
}
results.sort((a, b) => a - b);
console.log(`op-9 batch of 50 frames (${message.length} bytes): median ${results[2].toFixed(2)} µs per batch, ` +
  `min ${results[0].toFixed(2)}, max ${results[4].toFixed(2)} (node ${process.version}; checksum ${sink % 7})`);
