/**
 * The error and close codes of docs/errors.md (the registry: numbers never change), how a close is classified
 * (4000–4499 reconnect, 4500–4999 terminal), and the lenient readers of the server's JSON bits: an error reply
 * {@code {"code":n,"message":"..."}}, the DISCONNECT goodbye (int32 code, reason, NUL, node hints) and a
 * {@code "nodes":[...]} list. Readers never throw.
 */
import { text } from "./frame.js";

/** Error codes (op 19 bodies, the HTTP API's code field). */
export const ErrorCode = {
  OK: 0,
  BAD_PACKET: 1,
  UNKNOWN_OP: 2,
  BODY_TOO_LARGE: 3,
  BAD_HEADER_LENGTH: 4,
  OP_NOT_ALLOWED: 5,
  EMPTY_BODY: 6,
  TRUNCATED_FRAME: 7,
  NOT_AUTHENTICATED: 8,
  HANDSHAKE_TIMEOUT: 9,
  BAD_ROOM: 10,
  BAD_OPS: 11,
  BAD_POSITION: 12,
  UNAUTHORIZED: 100,
  TOKEN_EXPIRED: 101,
  TOKEN_MALFORMED: 102,
  TOKEN_BAD_SIGNATURE: 103,
  TOKEN_NOT_YET_VALID: 104,
  TOKEN_BAD_AUDIENCE: 105,
  TOKEN_BAD_ISSUER: 106,
  TOKEN_ALG_NOT_ALLOWED: 107,
  TOKEN_UNKNOWN_KEY: 108,
  TOKEN_REVOKED: 112,
  TOKEN_WRONG_MEMBER: 113,
  UNKNOWN_TENANT: 114,
  CONNECT_REFUSED: 116,
  EPOCH_CHANGED: 200,
  HISTORY_TOO_SHORT: 201,
  POSITION_AHEAD: 202,
  HISTORY_OFF: 203,
  STREAM_FORBIDDEN: 204,
  HISTORY_UNAVAILABLE: 205,
  ACK_UNKNOWN: 206,
  RATE_LIMITED: 300,
  SLOW_CONSUMER: 301,
  OVERLOADED: 302,
  CONNECT_RATE_LIMITED: 303,
  TOO_MANY_CONNECTIONS_FROM_IP: 304,
  IP_BANNED: 305,
  HEARTBEAT_TOO_FREQUENT: 306,
  NODE_FULL: 307,
  BAD_PARAMETER: 400,
  INTERNAL: 500,
  UPSTREAM_FAILED: 502,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
  UNKNOWN: -1,
} as const;

/** What a client should do after a close. */
export type CloseKind = "normal" | "reconnect" | "terminal";

interface CloseInfo {
  name: string;
  kind: CloseKind;
  meaning: string;
}

/** docs/errors.md, "Close codes", plus the WebSocket codes a client meets without a server code. */
const CLOSE_CODES: Record<number, CloseInfo> = {
  1000: { name: "NORMAL", kind: "normal", meaning: "normal closure" },
  1001: { name: "GOING_AWAY", kind: "reconnect", meaning: "the peer is going away" },
  1006: { name: "ABNORMAL", kind: "reconnect", meaning: "the connection dropped without a close frame" },
  4001: { name: "SHUTDOWN", kind: "reconnect", meaning: "server shutting down or draining; reconnect to another node" },
  4003: { name: "INTERNAL", kind: "reconnect", meaning: "internal error" },
  4004: { name: "LOGIC_UNAVAILABLE", kind: "reconnect", meaning: "authentication service unavailable; retry later" },
  4005: { name: "HANDSHAKE_TIMEOUT", kind: "reconnect", meaning: "no auth frame within the handshake deadline" },
  4008: { name: "SLOW", kind: "reconnect", meaning: "client did not read fast enough; outbound bound exceeded" },
  4012: { name: "HEARTBEAT_TIMEOUT", kind: "reconnect", meaning: "no heartbeat within the idle timeout" },
  4013: {
    name: "RESUME",
    kind: "reconnect",
    meaning: "missed messages could not be recovered in time; reconnect with your last positions",
  },
  4014: {
    name: "TOKEN_EXPIRED",
    kind: "reconnect",
    meaning: "token expired; refresh it before exp, or reconnect with a new token",
  },
  4015: {
    name: "OVERLOADED",
    kind: "reconnect",
    meaning: "server overloaded (adaptive shedding); reconnect with backoff, preferably to another node",
  },
  4016: {
    name: "CONNECT_RATE_LIMITED",
    kind: "reconnect",
    meaning: "too many connects to this node or from this address; reconnect after a backoff",
  },
  4017: {
    name: "TOO_MANY_CONNECTIONS",
    kind: "reconnect",
    meaning: "too many open connections from this address; reconnect after a backoff",
  },
  4018: {
    name: "BANNED",
    kind: "reconnect",
    meaning: "address banned for repeated auth failures; back off for at least the ban time",
  },
  4019: {
    name: "SESSION_RATE_LIMITED",
    kind: "reconnect",
    meaning: "too many upstream messages or heartbeats on this session",
  },
  4020: {
    name: "NODE_FULL",
    kind: "reconnect",
    meaning: "this node holds its maximum of connections; reconnect to another node",
  },
  4501: { name: "AUTH_FAILED", kind: "terminal", meaning: "token refused" },
  4502: { name: "KICKED", kind: "terminal", meaning: "closed by the operator" },
  4503: { name: "REPLACED", kind: "terminal", meaning: "another session authenticated with the same key" },
  4504: { name: "PROTOCOL_ERROR", kind: "terminal", meaning: "malformed frame or op not allowed" },
  4505: { name: "FRAME_TOO_LARGE", kind: "terminal", meaning: "frame larger than the configured maximum" },
  4506: { name: "NOT_AUTHENTICATED", kind: "terminal", meaning: "a frame other than auth arrived before auth" },
};

/** Named close codes, for comparisons in application code. */
export const CloseCode = {
  NORMAL: 1000,
  ABNORMAL: 1006,
  SHUTDOWN: 4001,
  INTERNAL: 4003,
  LOGIC_UNAVAILABLE: 4004,
  HANDSHAKE_TIMEOUT: 4005,
  SLOW: 4008,
  HEARTBEAT_TIMEOUT: 4012,
  RESUME: 4013,
  TOKEN_EXPIRED: 4014,
  OVERLOADED: 4015,
  CONNECT_RATE_LIMITED: 4016,
  TOO_MANY_CONNECTIONS: 4017,
  BANNED: 4018,
  SESSION_RATE_LIMITED: 4019,
  NODE_FULL: 4020,
  AUTH_FAILED: 4501,
  KICKED: 4502,
  REPLACED: 4503,
  PROTOCOL_ERROR: 4504,
  FRAME_TOO_LARGE: 4505,
  NOT_AUTHENTICATED: 4506,
} as const;

/** True when reconnecting with the same credentials fails the same way (4500–4999). */
export function isTerminal(code: number): boolean {
  return code >= 4500 && code < 5000;
}

/** How a close code is to be handled: registered codes by the table, unknown 4000–4499 and others reconnect. */
export function closeKind(code: number): CloseKind {
  const known = CLOSE_CODES[code];
  if (known) {
    return known.kind;
  }
  return isTerminal(code) ? "terminal" : "reconnect";
}

/** The registered name of a close code, or "UNKNOWN". */
export function closeName(code: number): string {
  return CLOSE_CODES[code]?.name ?? "UNKNOWN";
}

/** Why a connection ended: the code, the server's reason, its meaning, whether terminal, and drain node hints. */
export class CloseStatus {
  readonly code: number;
  readonly reason: string;
  readonly nodes: readonly string[];

  constructor(code: number, reason = "", nodes: readonly string[] = []) {
    this.code = code;
    this.reason = reason;
    this.nodes = nodes;
  }

  /** A connection that ended without a close code (1006). */
  static abnormal(reason: string): CloseStatus {
    return new CloseStatus(CloseCode.ABNORMAL, reason);
  }

  get name(): string {
    return closeName(this.code);
  }

  get kind(): CloseKind {
    return closeKind(this.code);
  }

  /** docs/errors.md's meaning of the code ("unknown close code" for others). */
  get meaning(): string {
    return CLOSE_CODES[this.code]?.meaning ?? "unknown close code";
  }

  get terminal(): boolean {
    return isTerminal(this.code);
  }

  toString(): string {
    return `${this.code} ${this.name}${this.reason ? `: ${this.reason}` : ""}`;
  }
}

/** A request or connection that failed, with the server's (or the client's) error code. */
export class JgoimError extends Error {
  readonly code: number;
  readonly close?: CloseStatus;

  constructor(code: number, message: string, close?: CloseStatus) {
    super(message);
    this.name = "JgoimError";
    this.code = code;
    this.close = close;
  }
}

const CODE = /"code"\s*:\s*(-?\d+)/;
const MESSAGE = /"message"\s*:\s*"((?:[^"\\]|\\.)*)"/;

/** An error reply body, {@code {"code":n,"message":"..."}}; UNKNOWN (-1) when it names no code. */
export function parseErrorReply(body: Uint8Array): { code: number; message: string } {
  const s = text(body);
  const c = CODE.exec(s);
  const code = c ? Number(c[1]) : ErrorCode.UNKNOWN;
  const m = MESSAGE.exec(s);
  return { code, message: `${code} ${m ? m[1] : s}` };
}

const NODES = /"nodes"\s*:\s*\[((?:\s*"(?:[^"\\]|\\.)*"\s*,?)*)\s*\]/;
const STRING = /"((?:[^"\\]|\\.)*)"/g;

/** The port of {@code host:port}, or -1. */
export function portOf(address: string): number {
  const colon = address.lastIndexOf(":");
  if (colon <= 0 || colon === address.length - 1) {
    return -1;
  }
  const tail = address.substring(colon + 1);
  if (!/^\d{1,5}$/.test(tail)) {
    return -1;
  }
  const p = Number(tail);
  return p > 0 && p <= 65535 ? p : -1;
}

/** The addresses of the first "nodes" array of {@code json}, in order (ws:// or wss:// URLs kept as they are). */
export function parseNodeList(json: string): string[] {
  const m = NODES.exec(json);
  if (!m) {
    return [];
  }
  const out: string[] = [];
  for (const s of m[1].matchAll(STRING)) {
    const addr = s[1];
    if (/^wss?:\/\//.test(addr) || portOf(addr) > 0) {
      out.push(addr);
    }
  }
  return out;
}

/** The DISCONNECT (op 18) body: int32 code, UTF-8 reason, and after a NUL the JSON node hints. */
export function parseGoodbye(body: Uint8Array): CloseStatus {
  if (body.length < 4) {
    return CloseStatus.abnormal("server goodbye without a code");
  }
  const code = new DataView(body.buffer, body.byteOffset, body.byteLength).getInt32(0);
  const sep = body.indexOf(0, 4);
  const reason = text(body.subarray(4, sep < 0 ? body.length : sep));
  const nodes = sep < 0 ? [] : parseNodeList(text(body.subarray(sep + 1)));
  return new CloseStatus(code, reason, nodes);
}
