/**
 * The client's options, their defaults (the Java SDK's ClientConfig defaults) and their validation.
 */
import type { FetchLike } from "./endpoints.js";
import { Ver, text } from "./frame.js";
import type { StreamPosition } from "./streamWire.js";
import { webSocketConstructor, type WebSocketConstructor } from "./transport.js";

export interface ClientOptions {
  /** A comet's WebSocket URL, e.g. {@code ws://127.0.0.1:3102/sub}. */
  url?: string;
  /** Several comets' URLs, tried in turn on reconnect (with {@link url} first when both are given). */
  urls?: string[];
  /** Logic's node list, e.g. {@code http://127.0.0.1:3111/goim/nodes/weighted}: its nodes lead the rotation. */
  nodesUrl?: string;
  /** The auth token: goim's JSON ({@link goimToken}) or a JWT. */
  token: string | Uint8Array;
  /** The WebSocket constructor; the global one by default (browsers, Node 22). */
  WebSocket?: WebSocketConstructor;
  /** fetch for the node list; the global one by default. */
  fetch?: FetchLike;
  /** Authenticate with ver 2 for jgoim's extensions (error replies, advised heartbeat, kept key). Default true. */
  extended?: boolean;
  /** Authenticate with ver 3: stream positions, dedupe, resume, acks (needs extended). Default false. */
  positions?: boolean;
  /** Heartbeat interval when the server advises none (or heartbeatFromServer is false). Default 30000. */
  heartbeatIntervalMs?: number;
  /** Use the interval the server advises in its auth reply. Default true. */
  heartbeatFromServer?: boolean;
  /** Unanswered heartbeats before the connection counts as dead. Default 3. */
  heartbeatMaxMissed?: number;
  /** WebSocket open deadline. Default 10000. */
  connectTimeoutMs?: number;
  /** From the auth frame to its reply. Default 10000. */
  authTimeoutMs?: number;
  /** How long change room, watch, upstream, recent and refresh wait for their reply. Default 10000. */
  requestTimeoutMs?: number;
  /**
   * Retry by itself: re-establish a lost connection (never after a terminal close code), and retry a refused first
   * connect (see {@link firstConnectTimeoutMs}). False: a first connect tries each URL once. Default true.
   */
  reconnect?: boolean;
  /**
   * How long connect() may keep retrying a first connect whose attempts are refused with a retryable code (4000-4499:
   * rate limit, per-address cap, ban, overload, drain, logic unavailable) or fail in transport (refused, timed out):
   * each URL once, then the reconnect policy's wait (at least a refusal's retry-after) before the next round, as long
   * as the next attempt starts within this time. 0: each URL once, no waiting. Infinity: until close(), as
   * centrifuge-js. Default 120000: two minutes outlast the longest wait a comet's rate limit names (30 s) several
   * times over, a comet's restart or drain and a short logic outage, yet an app awaiting connect() still hears within
   * minutes that something lasting is wrong (no comet there, a ban of its address, 5 minutes by default).
   */
  firstConnectTimeoutMs?: number;
  /** Full-jitter backoff floor. Default 1000. */
  backoffMinMs?: number;
  /** Full-jitter backoff ceiling. Default 30000. */
  backoffMaxMs?: number;
  /** A connection that lived this long resets the backoff. Default 30000. */
  stablePeriodMs?: number;
  /** Larger request bodies fail locally with BODY_TOO_LARGE (the comet would close the session). Default 4096. */
  maxRequestBodyBytes?: number;
  /** With positions: at most one member-stream ack per interval. Default 1000. */
  ackIntervalMs?: number;
  /** With positions: the positions to send at the first auth (kept by the app across a restart, same key). */
  resumeFrom?: StreamPosition[];
  /** Supplies a new token shortly before the current one expires, and after a TOKEN_EXPIRED close (needs extended). */
  tokenRefresher?: () => Promise<string | Uint8Array>;
  /** Uniform numbers in [0, 1) for the backoff's jitter. Default Math.random. */
  random?: () => number;
  /** Called when a listener throws (the client carries on). Default console.warn. */
  onListenerError?: (where: string, error: unknown) => void;
}

export interface ResolvedOptions {
  urls: string[];
  nodesUrl?: string;
  token: string;
  WebSocket: WebSocketConstructor;
  fetch?: FetchLike;
  extended: boolean;
  positions: boolean;
  wireVersion: number;
  heartbeatIntervalMs: number;
  heartbeatFromServer: boolean;
  heartbeatMaxMissed: number;
  connectTimeoutMs: number;
  authTimeoutMs: number;
  requestTimeoutMs: number;
  reconnect: boolean;
  firstConnectTimeoutMs: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  stablePeriodMs: number;
  maxRequestBodyBytes: number;
  ackIntervalMs: number;
  resumeFrom: StreamPosition[];
  tokenRefresher?: () => Promise<string | Uint8Array>;
  random: () => number;
  onListenerError: (where: string, error: unknown) => void;
}

function positive(name: string, v: number): number {
  if (!(typeof v === "number" && v > 0 && Number.isFinite(v))) {
    throw new RangeError(`${name} must be > 0: ${v}`);
  }
  return v;
}

function nonNegative(name: string, v: number): number {
  if (!(typeof v === "number" && v >= 0)) {
    throw new RangeError(`${name} must be >= 0: ${v}`);
  }
  return v;
}

/** Fills the defaults and refuses what cannot work, with the option's name. */
export function resolveOptions(o: ClientOptions): ResolvedOptions {
  if (o.token === undefined || o.token === null) {
    throw new TypeError("token is required");
  }
  const urls = [...(o.url ? [o.url] : []), ...(o.urls ?? []).filter((u) => u !== o.url)];
  const extended = o.extended ?? true;
  const positions = o.positions ?? false;
  if (positions && !extended) {
    throw new RangeError("positions need the extended protocol (extended: true)");
  }
  if (o.tokenRefresher && !extended) {
    throw new RangeError("a token refresher needs the extended protocol (extended: true)");
  }
  if (o.resumeFrom && o.resumeFrom.length > 0 && !positions) {
    throw new RangeError("resumeFrom needs positions: true");
  }
  const r: ResolvedOptions = {
    urls,
    nodesUrl: o.nodesUrl,
    token: typeof o.token === "string" ? o.token : text(o.token),
    WebSocket: webSocketConstructor(o.WebSocket),
    fetch: o.fetch,
    extended,
    positions,
    wireVersion: positions ? Ver.POSITIONS : extended ? Ver.EXTENDED : Ver.GOIM,
    heartbeatIntervalMs: positive("heartbeatIntervalMs", o.heartbeatIntervalMs ?? 30_000),
    heartbeatFromServer: o.heartbeatFromServer ?? true,
    heartbeatMaxMissed: positive("heartbeatMaxMissed", o.heartbeatMaxMissed ?? 3),
    connectTimeoutMs: positive("connectTimeoutMs", o.connectTimeoutMs ?? 10_000),
    authTimeoutMs: positive("authTimeoutMs", o.authTimeoutMs ?? 10_000),
    requestTimeoutMs: positive("requestTimeoutMs", o.requestTimeoutMs ?? 10_000),
    reconnect: o.reconnect ?? true,
    firstConnectTimeoutMs: nonNegative("firstConnectTimeoutMs", o.firstConnectTimeoutMs ?? 120_000),
    backoffMinMs: positive("backoffMinMs", o.backoffMinMs ?? 1000),
    backoffMaxMs: positive("backoffMaxMs", o.backoffMaxMs ?? 30_000),
    stablePeriodMs: positive("stablePeriodMs", o.stablePeriodMs ?? 30_000),
    maxRequestBodyBytes: positive("maxRequestBodyBytes", o.maxRequestBodyBytes ?? 4096),
    ackIntervalMs: positive("ackIntervalMs", o.ackIntervalMs ?? 1000),
    resumeFrom: [...(o.resumeFrom ?? [])],
    tokenRefresher: o.tokenRefresher,
    random: o.random ?? Math.random,
    onListenerError: o.onListenerError ?? ((where, e) => console.warn(`jgoim listener ${where} threw`, e)),
  };
  if (r.backoffMaxMs < r.backoffMinMs) {
    throw new RangeError(`backoffMaxMs ${r.backoffMaxMs} < backoffMinMs ${r.backoffMinMs}`);
  }
  return r;
}
