/**
 * goim's frame, byte for byte (docs/protocol.md, "Frame"): a 16-byte big-endian header — packLen (int32, the whole
 * frame), headerLen (int16, always 16), ver (int16), op (int32), seq (int32) — then the body. Stateless functions:
 * encode one frame, decode the one frame of a WebSocket message, and walk the whole frames packed back to back in an
 * op-9 or op-20 body without copying.
 */

/** The header's size; also the only headerLen a frame may carry. */
export const HEADER_LENGTH = 16;

/** Protocol versions: goim's 1, jgoim's extended 2, and 3 for streams and positions. */
export const Ver = {
  GOIM: 1,
  EXTENDED: 2,
  POSITIONS: 3,
} as const;

/** The operations of docs/protocol.md. A reply is the request's op + 1 unless noted. */
export const Op = {
  HEARTBEAT: 2,
  HEARTBEAT_REPLY: 3,
  SEND_MSG: 4,
  AUTH: 7,
  AUTH_REPLY: 8,
  RAW: 9,
  CHANGE_ROOM: 12,
  CHANGE_ROOM_REPLY: 13,
  SUB: 14,
  SUB_REPLY: 15,
  UNSUB: 16,
  UNSUB_REPLY: 17,
  DISCONNECT: 18,
  ERROR_REPLY: 19,
  PUBLICATIONS: 20,
  STREAM_STATE: 21,
  ACK: 22,
  REFRESH: 23,
  REFRESH_REPLY: 24,
  RECENT: 25,
  RECENT_REPLY: 26,
  BUSINESS_MIN: 1000,
} as const;

/**
 * One decoded frame. {@link body} is a view into the received message, not a copy: each WebSocket message arrives in
 * a buffer of its own that the client never reuses, so the view stays valid for as long as the application keeps it.
 */
export interface Frame {
  ver: number;
  op: number;
  seq: number;
  body: Uint8Array;
}

/** A server sent bytes that break the frame format (the client closes with PROTOCOL_ERROR, 4504). */
export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FrameError";
  }
}

const EMPTY = new Uint8Array(0);

/** Encodes one frame: header then body. */
export function encodeFrame(ver: number, op: number, seq: number, body: Uint8Array = EMPTY): Uint8Array {
  const out = new Uint8Array(HEADER_LENGTH + body.length);
  const v = new DataView(out.buffer);
  v.setInt32(0, out.length);
  v.setInt16(4, HEADER_LENGTH);
  v.setInt16(6, ver);
  v.setInt32(8, op);
  v.setInt32(12, seq);
  out.set(body, HEADER_LENGTH);
  return out;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The packLen of the frame at {@code at} of {@code bytes}, or -1 when fewer than a header's bytes remain, packLen is
 * below 16 or past the end, or headerLen is not 16 (the Java SDK's InnerFrames).
 */
export function frameLength(bytes: Uint8Array, at: number, v: DataView = view(bytes)): number {
  if (bytes.length - at < HEADER_LENGTH) {
    return -1;
  }
  const packLen = v.getInt32(at);
  const headerLen = v.getInt16(at + 4);
  if (packLen < HEADER_LENGTH || packLen > bytes.length - at || headerLen !== HEADER_LENGTH) {
    return -1;
  }
  return packLen;
}

/** Decodes a WebSocket message, which holds exactly one frame; throws {@link FrameError} otherwise. */
export function decodeFrame(bytes: Uint8Array): Frame {
  const v = view(bytes);
  const len = frameLength(bytes, 0, v);
  if (len < 0) {
    throw new FrameError(`malformed frame header (${bytes.length} bytes)`);
  }
  if (len !== bytes.length) {
    throw new FrameError(`message of ${bytes.length} bytes holds a frame of ${len} bytes`);
  }
  return frameAt(bytes, v, 0, len);
}

function frameAt(bytes: Uint8Array, v: DataView, at: number, len: number): Frame {
  return {
    ver: v.getInt16(at + 6),
    op: v.getInt32(at + 8),
    seq: v.getInt32(at + 12),
    body: bytes.subarray(at + HEADER_LENGTH, at + len),
  };
}

/**
 * The whole frames packed back to back in {@code bytes} (an op-9 body, or the frames of an op-20 body), in order.
 * Throws {@link FrameError} naming the offset of the first malformed frame; callers that must deliver the frames
 * before it use {@link forEachFrame}.
 */
export function unpackFrames(bytes: Uint8Array): Frame[] {
  const out: Frame[] = [];
  const bad = forEachFrame(bytes, (f) => {
    out.push(f);
  });
  if (bad >= 0) {
    throw new FrameError(`malformed frame inside a batch at offset ${bad}`);
  }
  return out;
}

/**
 * Calls {@code each} with every whole frame of {@code bytes} in order and returns -1, or stops at the first malformed
 * frame (or trailing bytes) and returns its offset: the frames before it were delivered.
 */
export function forEachFrame(bytes: Uint8Array, each: (frame: Frame, index: number) => void): number {
  const v = view(bytes); // one view for the whole batch, not one per frame
  let at = 0;
  let index = 0;
  while (at < bytes.length) {
    const len = frameLength(bytes, at, v);
    if (len < 0) {
      return at;
    }
    each(frameAt(bytes, v, at, len), index++);
    at += len;
  }
  return -1;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8");
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

/** UTF-8 bytes of a string. */
export function utf8(s: string): Uint8Array {
  return utf8Encoder.encode(s);
}

/** A string from UTF-8 bytes (malformed sequences replaced). */
export function text(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** A string from UTF-8 bytes; throws {@link FrameError} on malformed UTF-8. */
export function strictText(bytes: Uint8Array, what: string): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    throw new FrameError(`${what} is not UTF-8`);
  }
}
