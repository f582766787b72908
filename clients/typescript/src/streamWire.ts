/**
 * The ver-3 bodies of docs/protocol.md, "Streams and positions": the position list (auth tail, auth reply tail,
 * op 21, op 22), the auth body split at its NUL, the op-20/op-26 publications prefix and the op-25 recent request.
 * Readers refuse what the Java protocol module refuses, with a {@link FrameError}; writers refuse before writing a
 * byte. Positions (epoch, offset) are u64 on the wire and JavaScript numbers here: a value above 2^53 - 1 (epoch
 * microseconds reach it in the year 2255) is refused rather than rounded.
 */
import { FrameError, strictText, text, utf8 } from "./frame.js";

/** At most this many entries in a position list. */
export const MAX_ENTRIES = 16;
/** A stream name's UTF-8 length limit. */
export const MAX_STREAM_BYTES = 255;
/** The largest count op 25 may ask for. */
export const MAX_RECENT = 1000;

/**
 * Where a stream stands: its epoch and last offset, and in what the server sends, whether the client asked for it
 * (sent a position) and the code saying why a resume is not complete (0 = recovered when asked).
 */
export interface StreamState {
  stream: string;
  epoch: number;
  offset: number;
  asked: boolean;
  code: number;
}

/** A client-held position (what the next auth sends). */
export interface StreamPosition {
  stream: string;
  epoch: number;
  offset: number;
}

/** True when the server said every missed message of the stream follows (asked, code 0). */
export function recovered(s: StreamState): boolean {
  return s.asked && s.code === 0;
}

/**
 * True for a member's personal stream, {@code mid:<mid>}, of any tenant: a declared tenant's is namespaced
 * {@code <tenant>\u001fmid:<mid>}.
 */
export function isMemberStream(stream: string): boolean {
  return stream.startsWith("mid:", stream.indexOf("\u001f") + 1);
}

function bad(message: string): FrameError {
  return new FrameError(message);
}

function readU64(v: DataView, at: number, what: string): number {
  const n = v.getBigUint64(at);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw bad(`${what} ${n} is beyond this client's range (2^53 - 1)`);
  }
  return Number(n);
}

function writeU64(v: DataView, at: number, n: number): void {
  v.setBigUint64(at, BigInt(n));
}

function checkPosition(p: StreamPosition): Uint8Array {
  const name = utf8(p.stream);
  if (name.length === 0 || name.length > MAX_STREAM_BYTES) {
    throw new RangeError(`stream name of ${name.length} bytes`);
  }
  for (const n of [p.epoch, p.offset]) {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(`bad position ${n} for ${p.stream}`);
    }
  }
  return name;
}

/** Encodes a position list (flags and code 0, as a client sends it). */
export function writePositionList(entries: readonly StreamPosition[]): Uint8Array {
  if (entries.length > MAX_ENTRIES) {
    throw new RangeError(`at most ${MAX_ENTRIES} entries`);
  }
  const names = entries.map(checkPosition);
  if (new Set(entries.map((e) => e.stream)).size !== entries.length) {
    throw new RangeError("a stream named twice");
  }
  const size = 1 + names.reduce((s, n) => s + 21 + n.length, 0);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  out[0] = entries.length;
  let at = 1;
  entries.forEach((e, i) => {
    const name = names[i];
    const code = (e as Partial<StreamState>).code ?? 0;
    out[at] = (e as Partial<StreamState>).asked ? 1 : 0;
    v.setUint16(at + 1, code);
    v.setUint16(at + 3, name.length);
    out.set(name, at + 5);
    writeU64(v, at + 5 + name.length, e.epoch);
    writeU64(v, at + 13 + name.length, e.offset);
    at += 21 + name.length;
  });
  return out;
}

/** Decodes a position list; refuses it as the server would (BAD_POSITION) with a {@link FrameError}. */
export function readPositionList(bytes: Uint8Array): StreamState[] {
  if (bytes.length === 0) {
    throw bad("empty position list");
  }
  const count = bytes[0];
  if (count > MAX_ENTRIES) {
    throw bad(`${count} positions, at most ${MAX_ENTRIES}`);
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: StreamState[] = [];
  const seen = new Set<string>();
  let at = 1;
  for (let i = 0; i < count; i++) {
    if (bytes.length - at < 5) {
      throw bad("position list truncated");
    }
    const flags = bytes[at];
    const code = v.getUint16(at + 1);
    const len = v.getUint16(at + 3);
    if (len === 0 || len > MAX_STREAM_BYTES) {
      throw bad(`stream name of ${len} bytes`);
    }
    if (bytes.length - at < 21 + len) {
      throw bad("position list truncated");
    }
    const stream = strictText(bytes.subarray(at + 5, at + 5 + len), "stream name");
    if (v.getBigUint64(at + 13 + len) > 0x7fffffffffffffffn) {
      throw bad(`negative offset for ${stream}`);
    }
    const epoch = readU64(v, at + 5 + len, "epoch");
    const offset = readU64(v, at + 13 + len, "offset");
    if (seen.has(stream)) {
      throw bad(`stream ${stream} named twice`);
    }
    seen.add(stream);
    out.push({ stream, epoch, offset, asked: (flags & 1) !== 0, code });
    at += 21 + len;
  }
  if (at !== bytes.length) {
    throw bad(`${bytes.length - at} bytes after the position list`);
  }
  return out;
}

/** The auth body: the token alone without positions, else token, NUL, the position list. */
export function writeAuthBody(token: Uint8Array, positions: readonly StreamPosition[]): Uint8Array {
  if (positions.length === 0) {
    return token;
  }
  const list = writePositionList(positions);
  const out = new Uint8Array(token.length + 1 + list.length);
  out.set(token, 0);
  out[token.length] = 0;
  out.set(list, token.length + 1);
  return out;
}

/** An auth reply body split at its first NUL: the JSON, and the positions after it (none without a NUL). */
export function readAuthReply(body: Uint8Array): { json: string; states: StreamState[] } {
  const nul = body.indexOf(0);
  if (nul < 0) {
    return { json: text(body), states: [] };
  }
  return { json: text(body.subarray(0, nul)), states: readPositionList(body.subarray(nul + 1)) };
}

/** The prefix of an op-20 (or op-26) body and the whole frames after it. */
export interface PublicationBatch {
  stream: string;
  epoch: number;
  firstOffset: number;
  frames: Uint8Array;
}

/** Reads an op-20 body's prefix; the frames are a view. */
export function readPublications(body: Uint8Array): PublicationBatch {
  if (body.length < 2) {
    throw bad("publications body truncated");
  }
  const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const len = v.getUint16(0);
  if (len === 0 || len > MAX_STREAM_BYTES) {
    throw bad(`stream name of ${len} bytes`);
  }
  if (body.length < 18 + len) {
    throw bad("publications body truncated");
  }
  const stream = strictText(body.subarray(2, 2 + len), "stream name");
  const epoch = readU64(v, 2 + len, "epoch");
  const firstOffset = readU64(v, 10 + len, "first offset");
  if (firstOffset < 1) {
    throw bad(`first offset ${firstOffset} < 1`);
  }
  return { stream, epoch, firstOffset, frames: body.subarray(18 + len) };
}

/** The op-25 body: u16 count (1..1000), then the stream name. Throws RangeError for what the server would refuse. */
export function writeRecentRequest(stream: string, count: number): Uint8Array {
  if (!Number.isInteger(count) || count < 1 || count > MAX_RECENT) {
    throw new RangeError(`count ${count} outside 1..${MAX_RECENT}`);
  }
  const name = utf8(stream);
  if (name.length < 1 || name.length > MAX_STREAM_BYTES) {
    throw new RangeError(`stream name of ${name.length} bytes`);
  }
  const out = new Uint8Array(2 + name.length);
  new DataView(out.buffer).setUint16(0, count);
  out.set(name, 2);
  return out;
}
