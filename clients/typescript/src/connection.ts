/**
 * The life cycle of one client's long connection (the Java SDK's Connection and ClientHandler): open a WebSocket to
 * the next address ({@link Endpoints}), send the auth frame once it is open, become CONNECTED on the auth reply
 * (heartbeat, acks, subscriptions restored after a reconnect), route every frame (op-9 batches unwrapped in order,
 * replies to their requests by seq, op 20/21 to the stream side, pushes to the listener), and when the socket closes
 * decide whether the close is final (terminal close code, reconnect off, client closed) or {@link ConnectRetry}
 * schedules the next attempt (after a full-jitter backoff; during a first connect, within its deadline). A frame that
 * breaks the protocol closes the connection with PROTOCOL_ERROR (4504) and the reason; no exception reaches the
 * application.
 */
import { abortSocket, statusOf, type Attempt } from "./attempt.js";
import { CloseCode, CloseStatus, ErrorCode, JgoimError } from "./codes.js";
import { ConnectRetry } from "./connectRetry.js";
import { Endpoints } from "./endpoints.js";
import { FrameError, Op, decodeFrame, encodeFrame, utf8 } from "./frame.js";
import { Heartbeat } from "./heartbeat.js";
import type { ResolvedOptions } from "./options.js";
import { PendingRequests, type Reply } from "./requests.js";
import { readAuthReply, type StreamState } from "./streamWire.js";
import { StreamFrames, type Publication } from "./streams.js";
import { routeFrame, type FrameTarget } from "./router.js";
import { TokenLifetime } from "./tokenLifetime.js";
import { keyFromAuthReply, withKey } from "./tokens.js";
import { messageBytes, type WebSocketLike } from "./transport.js";

/** The client's states, as the Java SDK's ClientState. */
export type ClientState = "NEW" | "CONNECTING" | "AUTHENTICATING" | "CONNECTED" | "RECONNECTING" | "CLOSED";

/** What the connection tells its client (the listener calls, guarded there). */
export interface ConnectionEvents {
  stateChanged(s: ClientState): void;
  connected(node: string): void;
  closed(status: CloseStatus, willReconnect: boolean): void;
  pushed(op: number, seq: number, body: Uint8Array): void;
  published(p: Publication): void;
  streamState(s: StreamState): void;
  reauthenticated(): void;
}

export class Connection {
  readonly pending = new PendingRequests();
  readonly heartbeat: Heartbeat;
  readonly streams?: StreamFrames;
  readonly tokens: TokenLifetime;
  state: ClientState = "NEW";
  lastClose?: CloseStatus;
  reconnects = 0;
  node?: string;
  token: string;
  private readonly o: ResolvedOptions;
  private readonly ev: ConnectionEvents;
  private readonly endpoints: Endpoints;
  private readonly retry: ConnectRetry;
  private current?: Attempt;
  private everAuthenticated = false;
  private authenticatedAt = 0;

  constructor(o: ResolvedOptions, ev: ConnectionEvents, refresh?: () => Promise<unknown>) {
    this.o = o;
    this.ev = ev;
    this.token = o.token;
    this.heartbeat = new Heartbeat(o.heartbeatIntervalMs, o.heartbeatFromServer, o.heartbeatMaxMissed);
    this.endpoints = new Endpoints(o.urls, o.nodesUrl, o.fetch);
    this.retry = new ConnectRetry(
      o,
      {
        isClosed: () => this.state === "CLOSED",
        setState: (s) => this.setState(s),
        closed: (status, again) => ev.closed(status, again),
        attemptConnect: () => this.attemptConnect(),
        useToken: (t) => (this.token = t),
      },
      this.endpoints,
    );
    this.tokens = new TokenLifetime(refresh);
    if (o.positions) {
      this.streams = new StreamFrames(
        {
          published: (p) => ev.published(p),
          streamState: (s) => ev.streamState(s),
          sendAck: (body) => this.write(Op.ACK, this.pending.nextSeq(), body),
        },
        o.ackIntervalMs,
        o.resumeFrom,
      );
    }
  }

  /** The first connection; a second call returns the first call's promise. */
  connect(): Promise<void> {
    return this.retry.connect();
  }

  /** The wait before the next attempt, as last scheduled (0: at once); read it in onClose. */
  get retryDelayMs(): number {
    return this.retry.retryDelayMs;
  }

  /** Closes for good: no reconnect follows, pending requests fail. Idempotent. */
  close(): void {
    if (this.state === "CLOSED") {
      return;
    }
    this.setState("CLOSED");
    this.retry.cancel();
    const att = this.current;
    if (att) {
      this.closeWith(att, new CloseStatus(CloseCode.NORMAL, "client closed"));
    }
    this.pending.failAll(new JgoimError(ErrorCode.UNAVAILABLE, "client closed"));
    this.retry.clientClosed();
  }

  /** Sends request {@code op}; resolves with the reply carrying its seq. */
  request(op: number, body: Uint8Array): Promise<Reply> {
    if (body.length > this.o.maxRequestBodyBytes) {
      return Promise.reject(
        new JgoimError(ErrorCode.BODY_TOO_LARGE, `request body ${body.length} > ${this.o.maxRequestBodyBytes} bytes`),
      );
    }
    if (this.state !== "CONNECTED") {
      return Promise.reject(new JgoimError(ErrorCode.UNAVAILABLE, `not connected: ${this.state}`));
    }
    const seq = this.pending.nextSeq();
    const reply = this.pending.add(seq, op, this.o.requestTimeoutMs);
    this.write(op, seq, body);
    return reply;
  }

  private write(op: number, seq: number, body?: Uint8Array): boolean {
    const ws = this.current?.ws;
    if (!ws || ws.readyState !== 1) {
      return false;
    }
    ws.send(encodeFrame(this.o.wireVersion, op, seq, body));
    return true;
  }

  private async attemptConnect(): Promise<void> {
    if (this.state === "CLOSED") {
      return;
    }
    this.setState("CONNECTING");
    let url: string;
    try {
      url = await this.endpoints.next();
    } catch (e) {
      url = "";
      const att: Attempt = { url, done: false };
      this.current = att;
      this.lost(att, CloseStatus.abnormal(String(e)));
      return;
    }
    if (this.state !== "CONNECTING") {
      return;
    }
    const att: Attempt = { url, done: false };
    this.current = att;
    let ws: WebSocketLike;
    try {
      ws = new this.o.WebSocket(url) as WebSocketLike;
    } catch (e) {
      this.lost(att, CloseStatus.abnormal(`connect failed: ${e}`));
      return;
    }
    att.ws = ws;
    ws.binaryType = "arraybuffer";
    att.timer = setTimeout(() => this.closeWith(att, CloseStatus.abnormal("connect timed out")), this.o.connectTimeoutMs);
    ws.onopen = () => this.transportReady(att);
    ws.onmessage = (m) => this.onMessage(att, m.data);
    ws.onerror = () => undefined; // the close event follows with the reason
    ws.onclose = (c) => this.lost(att, statusOf(att, c.code, c.reason));
  }

  private transportReady(att: Attempt): void {
    if (att !== this.current || this.state !== "CONNECTING") {
      return;
    }
    clearTimeout(att.timer);
    this.setState("AUTHENTICATING");
    const token = utf8(this.token);
    this.write(Op.AUTH, this.pending.nextSeq(), this.streams ? this.streams.authBody(token) : token);
    att.timer = setTimeout(
      () => this.closeWith(att, CloseStatus.abnormal(`no auth reply within ${this.o.authTimeoutMs} ms`)),
      this.o.authTimeoutMs,
    );
  }

  private onMessage(att: Attempt, data: unknown): void {
    if (att !== this.current || att.done) {
      return;
    }
    try {
      const bytes = messageBytes(data);
      if (!bytes) {
        throw new FrameError("a text message from the server");
      }
      routeFrame(decodeFrame(bytes), this.router(att));
    } catch (e) {
      const status =
        e instanceof FrameError
          ? new CloseStatus(CloseCode.PROTOCOL_ERROR, e.message)
          : CloseStatus.abnormal(`client error: ${e}`);
      this.closeWith(att, status);
    }
  }

  /** What the frames of {@code att} act on. */
  private router(att: Attempt): FrameTarget {
    return {
      streams: this.streams,
      heartbeat: this.heartbeat,
      pending: this.pending,
      authenticating: () => this.state === "AUTHENTICATING",
      authReply: (body) => this.authReply(att, body),
      goodbye: (status) => (att.goodbye = status),
      authRefused: (status) => (att.authError = status),
      pushed: (op, seq, body) => this.ev.pushed(op, seq, body),
    };
  }

  private authReply(att: Attempt, body: Uint8Array): void {
    if (this.state !== "AUTHENTICATING") {
      return;
    }
    let json: string;
    let states: StreamState[] = [];
    try {
      const r = readAuthReply(body);
      json = r.json;
      states = this.streams ? r.states : [];
    } catch (e) {
      throw new FrameError(`auth reply: ${(e as Error).message}`);
    }
    clearTimeout(att.timer);
    const reconnect = this.everAuthenticated;
    this.everAuthenticated = true;
    this.authenticatedAt = Date.now();
    this.token = withKey(this.token, keyFromAuthReply(json));
    this.node = att.url;
    this.setState("CONNECTED");
    this.heartbeat.start(
      json,
      () => this.write(Op.HEARTBEAT, this.pending.nextSeq()),
      (reason) => this.closeWith(att, CloseStatus.abnormal(reason)),
    );
    this.tokens.onAuthenticated(json);
    this.ev.connected(att.url);
    if (this.streams) {
      this.streams.onAuthStates(states);
      this.streams.startAcks();
    }
    if (reconnect) {
      this.reconnects++;
      this.ev.reauthenticated();
    }
    this.retry.authenticated();
  }

  /** Records {@code status} and ends the attempt at once (no waiting for a close handshake a dead peer never ends). */
  private closeWith(att: Attempt, status: CloseStatus): void {
    if (att.done) {
      return;
    }
    att.local = att.local ?? status;
    abortSocket(att, status);
    this.lost(att, att.local);
  }

  /** The attempt's socket closed (or never opened): reconnect or close for good. */
  private lost(att: Attempt, status: CloseStatus): void {
    if (att !== this.current || att.done) {
      return;
    }
    att.done = true;
    clearTimeout(att.timer);
    this.current = undefined;
    this.heartbeat.stop();
    this.tokens.stop();
    this.streams?.stopAcks();
    this.lastClose = status;
    this.pending.failAll(new JgoimError(ErrorCode.UNAVAILABLE, `connection closed: ${status}`, status));
    if (this.state === "CLOSED") {
      this.ev.closed(status, false);
      return;
    }
    const wasConnected = this.state === "CONNECTED";
    if (status.nodes.length > 0) {
      this.endpoints.hint(status.nodes);
    }
    if (!this.everAuthenticated) {
      this.retry.afterFirstAttempt(status);
      return;
    }
    if (status.terminal || !this.o.reconnect) {
      this.setState("CLOSED");
      this.ev.closed(status, false);
      return;
    }
    this.retry.afterSession(status, wasConnected ? Date.now() - this.authenticatedAt : -1);
  }

  private setState(s: ClientState): void {
    if (this.state !== s) {
      this.state = s;
      this.ev.stateChanged(s);
    }
  }
}
