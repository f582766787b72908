/**
 * One long connection to a jgoim (or goim) comet over WebSocket: authenticates with a token, heartbeats at the
 * interval the server advises, delivers pushes to a {@link ClientListener}, sends requests (change room, watch,
 * upstream, recent, refresh) whose promises resolve with the reply carrying their seq, and reconnects by itself with
 * full-jitter backoff after a connection is lost (never after a terminal close code), re-entering its room and
 * re-watching its ops. With {@code positions: true} it follows docs/protocol.md's "Streams and positions" as the
 * Java SDK does. The work is done by its {@link Connection}; this class is the public face.
 */
import { ErrorCode, JgoimError, type CloseStatus } from "./codes.js";
import { Connection, type ClientState } from "./connection.js";
import { Op, forEachFrame, text, utf8 } from "./frame.js";
import { resolveOptions, type ClientOptions, type ResolvedOptions } from "./options.js";
import type { Reply } from "./requests.js";
import { readPublications, writeRecentRequest, type StreamPosition, type StreamState } from "./streamWire.js";
import type { Publication } from "./streams.js";
import { expiresSeconds } from "./tokens.js";

/**
 * Receives what a client hears, one call at a time and in wire order. A listener that throws is reported to
 * {@code onListenerError} and the client carries on. Every method is optional.
 */
export interface ClientListener {
  /** A pushed message: one frame, op-9 batches already split into their inner frames, in order. */
  onPush?(client: JgoimClient, op: number, seq: number, body: Uint8Array): void;
  /**
   * A positioned message, new to this client (duplicates are dropped first), in stream order, also for the messages
   * a resume recovers. Without this method, it goes to {@link onPush} with seq 0, so every message arrives once.
   */
  onPublication?(client: JgoimClient, publication: Publication): void;
  /** Where a stream stands: after each auth, and on op 21. {@code recovered(state)}: the missed messages follow. */
  onStreamState?(client: JgoimClient, state: StreamState): void;
  onStateChange?(client: JgoimClient, state: ClientState): void;
  /** Authenticated on the comet at {@code node} (its URL), after the first connect and every reconnect. */
  onConnected?(client: JgoimClient, node: string): void;
  /**
   * A connection ended, or an attempt of the first connect was refused or failed. {@code willReconnect} true: another
   * attempt is scheduled, {@code client.retryDelayMs} from now (a refusal's retry-after, the backoff, or 0 for the
   * next URL); false: the client is now CLOSED.
   */
  onClose?(client: JgoimClient, status: CloseStatus, willReconnect: boolean): void;
}

export class JgoimClient {
  private readonly options: ResolvedOptions;
  private readonly connection: Connection;
  private readonly watched = new Set<number>();
  private currentRoom?: string;
  private roomChanged = false;

  constructor(options: ClientOptions, listener: ClientListener = {}) {
    this.options = resolveOptions(options);
    const call = (where: string, f: () => void) => {
      try {
        f();
      } catch (e) {
        this.options.onListenerError(where, e);
      }
    };
    const l = listener;
    this.connection = new Connection(
      this.options,
      {
        stateChanged: (s) => call("onStateChange", () => l.onStateChange?.(this, s)),
        connected: (node) => call("onConnected", () => l.onConnected?.(this, node)),
        closed: (status, again) => call("onClose", () => l.onClose?.(this, status, again)),
        pushed: (op, seq, body) => call("onPush", () => l.onPush?.(this, op, seq, body)),
        published: (p) =>
          call("onPublication", () => (l.onPublication ? l.onPublication(this, p) : l.onPush?.(this, p.op, 0, p.body))),
        streamState: (s) => call("onStreamState", () => l.onStreamState?.(this, s)),
        reauthenticated: () => this.restore(),
      },
      this.options.tokenRefresher ? () => this.autoRefresh() : undefined,
    );
  }

  /**
   * Connects and authenticates: resolves when the first session authenticated. A refused or failed attempt that
   * retrying can cure is retried as a reconnect is: a refusal of the reconnect class (4000-4499: rate limit 4016 and
   * ban 4018, whose retry-after is waited, per-address cap 4017, overload 4015, draining comet 4001, logic
   * unavailable 4004) or a transport failure (refused, connect or auth timeout). Each URL is tried once at once, then the client
   * waits what the reconnect policy says (at least a 4016's or 4018's retry-after), state RECONNECTING, and tries again;
   * {@code onClose(status, true)} reports each refusal, with {@link retryDelayMs} the wait. Rejects with a
   * {@link JgoimError} (its {@code close} the last refusal) at once on a terminal code (4500-4999: a refused token is
   * UNAUTHORIZED), when the next attempt could not start within {@code firstConnectTimeoutMs} (default 120000; 0:
   * each URL once, no waiting), with {@code reconnect: false} after one round, and when close() ends the retries. A
   * failed first connect leaves the client CLOSED. A second call returns the same promise.
   */
  connect(): Promise<void> {
    return this.connection.connect();
  }

  /** Moves the session to {@code roomId} (op 12; empty = leave the room); resolves with the room confirmed. */
  async changeRoom(roomId: string): Promise<string> {
    const r = await this.connection.request(Op.CHANGE_ROOM, utf8(roomId));
    this.currentRoom = roomId;
    this.roomChanged = true;
    return text(r.body);
  }

  /** Starts receiving pushes of {@code ops} (op 14); re-sent after a reconnect. */
  async watch(...ops: number[]): Promise<void> {
    await this.connection.request(Op.SUB, opsBody(ops));
    ops.forEach((op) => this.watched.add(op));
  }

  /** Stops receiving pushes of {@code ops} (op 16). */
  async unwatch(...ops: number[]): Promise<void> {
    await this.connection.request(Op.UNSUB, opsBody(ops));
    ops.forEach((op) => this.watched.delete(op));
  }

  /**
   * Sends an upstream message (op 4, or a business op >= 1000) and resolves with the server's reply to it (goim echoes
   * the op and seq with an empty body); an error reply rejects with its code.
   */
  sendUpstream(op: number, body: Uint8Array | string): Promise<Reply> {
    if (!Number.isInteger(op) || (op !== Op.SEND_MSG && op < Op.BUSINESS_MIN)) {
      return Promise.reject(new JgoimError(ErrorCode.BAD_PARAMETER, `upstream op must be 4 or >= 1000: ${op}`));
    }
    return this.connection.request(op, typeof body === "string" ? utf8(body) : body);
  }

  /**
   * The last {@code count} (1..1000) messages of {@code stream} — the client's room or its own {@code mid:<mid>} —
   * for a late joiner; needs positions. Not a live delivery: it moves no position and reaches no listener.
   */
  async recent(stream: string, count: number): Promise<Publication[]> {
    if (!this.options.positions) {
      throw new JgoimError(ErrorCode.UNKNOWN_OP, "recent messages need positions: true");
    }
    let body: Uint8Array;
    try {
      body = writeRecentRequest(stream, count);
    } catch (e) {
      throw new JgoimError(ErrorCode.BAD_PARAMETER, (e as Error).message);
    }
    const r = await this.connection.request(Op.RECENT, body);
    const b = readPublications(r.body);
    const out: Publication[] = [];
    const bad = forEachFrame(b.frames, (f, i) =>
      out.push({ stream: b.stream, epoch: b.epoch, offset: b.firstOffset + i, op: f.op, body: f.body }),
    );
    if (bad >= 0) {
      throw new JgoimError(ErrorCode.BAD_PACKET, "malformed frame in a recent-messages answer");
    }
    return out;
  }

  /**
   * Sends a new token for the open session (op 23, extended only); resolves with its expiry (unix seconds, 0 =
   * never). Later reconnects authenticate with it. A refusal rejects with its code; the session stays open.
   */
  async refreshToken(token: string | Uint8Array): Promise<number> {
    if (!this.options.extended) {
      throw new JgoimError(ErrorCode.UNKNOWN_OP, "refreshing a token needs the extended protocol");
    }
    const t = typeof token === "string" ? token : text(token);
    const r = await this.connection.request(Op.REFRESH, utf8(t));
    const exp = expiresSeconds(text(r.body));
    this.connection.token = t;
    this.connection.tokens.onRefreshed(exp);
    return exp;
  }

  /** Closes for good: no reconnect follows; pending requests reject. Idempotent. */
  close(): void {
    this.connection.close();
  }

  get state(): ClientState {
    return this.connection.state;
  }
  /** The room's online count from the last heartbeat reply (0 before the first). */
  get onlineCount(): number {
    return this.connection.heartbeat.onlineCount;
  }
  get heartbeatReplies(): number {
    return this.connection.heartbeat.replies;
  }
  /** The heartbeat interval in use: the server's advice at the last auth, else the configured one. */
  get heartbeatIntervalMs(): number {
    return this.connection.heartbeat.intervalMs;
  }
  /** Why the last connection ended, or undefined while the first one lives. */
  get lastClose(): CloseStatus | undefined {
    return this.connection.lastClose;
  }
  /** The room after the last successful changeRoom, or undefined. */
  get room(): string | undefined {
    return this.currentRoom;
  }
  /** The URL of the comet the client last authenticated on. */
  get node(): string | undefined {
    return this.connection.node;
  }
  /**
   * The wait scheduled before the next attempt, after a refused first attempt or a lost connection (0: the next URL
   * at once). Set before {@code onClose(status, true)} is called, so a listener can show "retrying in N s".
   */
  get retryDelayMs(): number {
    return this.connection.retryDelayMs;
  }
  /** How many times a lost connection was re-established and re-authenticated. */
  get reconnects(): number {
    return this.connection.reconnects;
  }
  /** The last position of each stream (positions: true): what the next auth sends. */
  get positions(): StreamPosition[] {
    return this.connection.streams?.positions.snapshot() ?? [];
  }
  /** Positioned messages dropped as duplicates. */
  get duplicatesDropped(): number {
    return this.connection.streams?.positions.duplicates ?? 0;
  }
  /** Op-22 acks of the member stream sent. */
  get acksSent(): number {
    return this.connection.streams?.acksSent ?? 0;
  }
  /** When the session's token expires (unix seconds), 0 = never or unknown. */
  get tokenExpiry(): number {
    return this.connection.tokens.expiresAt;
  }

  private async autoRefresh(): Promise<void> {
    if (this.state !== "CONNECTED") {
      return;
    }
    await this.refreshToken(await this.options.tokenRefresher!());
  }

  /** After a re-authentication: re-enter the room set by changeRoom and re-watch the watched ops. */
  private restore(): void {
    if (this.roomChanged && this.currentRoom !== undefined) {
      this.changeRoom(this.currentRoom).catch(() => undefined);
    }
    if (this.watched.size > 0) {
      this.watch(...this.watched).catch(() => undefined);
    }
  }
}

function opsBody(ops: number[]): Uint8Array {
  if (ops.length === 0 || !ops.every((op) => Number.isInteger(op))) {
    throw new JgoimError(ErrorCode.BAD_OPS, `ops must be integers, at least one: ${ops}`);
  }
  return utf8(ops.join(","));
}
