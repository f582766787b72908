/**
 * What follows a connection attempt that ended, and when (the Java SDK's ConnectRetry). During the first connect (not
 * authenticated yet): the next address of the round at once, then the {@link ReconnectPolicy}'s wait (a refusal's
 * retry-after included) before a new round, while that attempt can start before firstConnectTimeoutMs
 * ({@link FirstAttempts}); else connect() rejects with the last refusal. After a session: the policy's wait. Either
 * way a TOKEN_EXPIRED close with a refresher renews the token before the next auth, and the listener hears each close
 * before its retry is scheduled. Owns connect()'s promise and the scheduled attempt; the connection keeps the
 * sockets, the state and the decision that a close is final (terminal code, reconnect off, client closed).
 */
import { Backoff, ReconnectPolicy } from "./backoff.js";
import { CloseCode, CloseStatus, ErrorCode, JgoimError } from "./codes.js";
import type { Endpoints } from "./endpoints.js";
import { FirstAttempts } from "./firstAttempts.js";
import type { ResolvedOptions } from "./options.js";

/** What the retries act on: their connection's state, its listener and its attempts. */
export interface RetryTarget {
  /** Whether the client is CLOSED (by the application, or by a first connect given up). */
  isClosed(): boolean;
  /** Enters {@code state}; the listener hears a change. */
  setState(state: "RECONNECTING" | "CLOSED"): void;
  /** The listener's close event. */
  closed(status: CloseStatus, willReconnect: boolean): void;
  /** Starts the next attempt with the token in hand. */
  attemptConnect(): Promise<void>;
  /** The token the next auth presents. */
  useToken(token: string): void;
}

export class ConnectRetry {
  /** The wait before the next attempt, as last scheduled (0: at once); read it in onClose. */
  retryDelayMs = 0;
  private readonly o: ResolvedOptions;
  private readonly target: RetryTarget;
  private readonly endpoints: Endpoints;
  private readonly policy: ReconnectPolicy;
  private first?: { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void };
  private firstAttempts?: FirstAttempts;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(o: ResolvedOptions, target: RetryTarget, endpoints: Endpoints) {
    this.o = o;
    this.target = target;
    this.endpoints = endpoints;
    this.policy = new ReconnectPolicy(new Backoff(o.backoffMinMs, o.backoffMaxMs, o.random), o.stablePeriodMs);
  }

  /** Starts the first connect; a second call returns the first call's promise. */
  connect(): Promise<void> {
    if (this.first) {
      return this.first.promise;
    }
    let resolve!: () => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => undefined); // rejections are the caller's; never an unhandled one
    this.first = { promise, resolve, reject };
    if (this.target.isClosed()) {
      reject(new JgoimError(ErrorCode.UNAVAILABLE, "client is closed"));
    } else {
      this.firstAttempts = new FirstAttempts(Date.now(), this.o.firstConnectTimeoutMs);
      void this.target.attemptConnect();
    }
    return promise;
  }

  /** A session authenticated: connect()'s promise resolves (later auths find it settled). */
  authenticated(): void {
    this.first?.resolve();
  }

  /** Cancels the scheduled attempt, if any: the client is closing. */
  cancel(): void {
    clearTimeout(this.timer);
  }

  /** The client closed for good: a first connect still under way rejects. */
  clientClosed(): void {
    this.first?.reject(new JgoimError(ErrorCode.UNAVAILABLE, "client closed"));
  }

  /**
   * An attempt of the first connect failed before authenticating. A retryable one (not terminal) tries the next
   * address of the round at once (and each node a draining comet named), then, the round spent, waits what the
   * reconnect policy says for this refusal and starts a new round, as long as that attempt starts before the first
   * connect's deadline. Otherwise the client closes and connect() rejects with this, the last, refusal.
   */
  afterFirstAttempt(status: CloseStatus): void {
    const first = this.firstAttempts!;
    first.failed();
    if (!status.terminal && (this.endpoints.hasHints || first.nextInRound(this.endpoints.roundSize))) {
      this.retryAfter(status, 0, this.nextAttempt(status));
      return;
    }
    const delay = !status.terminal && this.o.reconnect ? this.policy.nextDelayMs(-1, status) : -1;
    if (delay >= 0 && first.startsInTime(Date.now(), delay)) {
      first.newRound();
      this.retryAfter(status, delay, this.nextAttempt(status));
      return;
    }
    this.target.setState("CLOSED");
    const code = status.terminal ? ErrorCode.UNAUTHORIZED : ErrorCode.UNAVAILABLE;
    const after = first.attempts > 1 ? ` (after ${first.attempts} attempts)` : "";
    this.first?.reject(new JgoimError(code, `connection failed: ${status}${after}`, status));
    this.target.closed(status, false);
  }

  /**
   * A session ended with a close the client reconnects after (the caller ruled out terminal codes and reconnect off):
   * wait what the policy says, {@code livedMs} being how long the session was authenticated (negative: it ended
   * while authenticating again).
   */
  afterSession(status: CloseStatus, livedMs: number): void {
    this.retryAfter(status, this.policy.nextDelayMs(livedMs, status), this.nextAttempt(status));
  }

  /** Schedules the next attempt delayMs from now (0: the next address, at once), telling the listener first. */
  private retryAfter(status: CloseStatus, delayMs: number, next: () => void): void {
    this.retryDelayMs = delayMs;
    if (delayMs > 0) {
      this.target.setState("RECONNECTING");
    }
    this.target.closed(status, true);
    if (this.target.isClosed()) {
      return; // the listener closed the client
    }
    this.timer = setTimeout(next, delayMs);
  }

  /**
   * The attempt after {@code status}: a TOKEN_EXPIRED close with a refresher renews the token first, on a first
   * connect as on a reconnect (the token the server just called expired would be refused again); any other close
   * authenticates with the token in hand.
   */
  private nextAttempt(status: CloseStatus): () => void {
    const renew = status.code === CloseCode.TOKEN_EXPIRED && this.o.tokenRefresher;
    return () => void (renew ? this.renewThenConnect() : this.target.attemptConnect());
  }

  /** Closed for the token's expiry: ask the refresher for a new token before authenticating again. */
  private async renewThenConnect(): Promise<void> {
    try {
      const t = await this.o.tokenRefresher!();
      if (t) {
        this.target.useToken(typeof t === "string" ? t : new TextDecoder().decode(t));
      }
    } catch {
      // keep the old token: the auth then says why
    }
    await this.target.attemptConnect();
  }
}
