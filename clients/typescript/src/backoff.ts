/**
 * Full-jitter exponential backoff above a floor (the Java SDK's Backoff and ReconnectPolicy): before reconnect attempt
 * n (0-based) the client waits a uniformly random time in [min, min(max, min * 2^(n+1))]. The spread keeps thousands
 * of clients dropped at once by a restarting comet from coming back in one wave; the floor keeps one client from
 * spinning. The attempt count resets when the connection that ended had lived the stable period.
 */
export class Backoff {
  readonly minMs: number;
  readonly maxMs: number;
  private readonly random: () => number;

  /** @param random uniform numbers in [0, 1); a seeded source in tests */
  constructor(minMs: number, maxMs: number, random: () => number = Math.random) {
    if (!(minMs > 0)) {
      throw new RangeError(`backoff min must be > 0: ${minMs}`);
    }
    if (!(maxMs >= minMs)) {
      throw new RangeError(`backoff max ${maxMs} < min ${minMs}`);
    }
    this.minMs = minMs;
    this.maxMs = maxMs;
    this.random = random;
  }

  /** The upper bound of the wait before attempt n: min(max, min * 2^(n+1)). */
  ceilingMs(attempt: number): number {
    const shift = Math.min(Math.max(attempt, 0), 61) + 1;
    return Math.min(this.maxMs, this.minMs * 2 ** shift);
  }

  /** A uniformly random part of spanMs, within [0, spanMs): the jitter around a given wait. */
  jitterMs(spanMs: number): number {
    return Math.floor(spanMs * this.random());
  }

  /** A random wait before attempt n, within [min, ceilingMs(n)]. */
  delayMs(attempt: number): number {
    const ceiling = this.ceilingMs(attempt);
    return this.minMs + Math.floor((ceiling - this.minMs) * this.random());
  }
}

/** The close-reason token that says how long to stay away: `retry-after=<seconds>` (docs/errors.md). */
const RETRY_AFTER = /(?:^|\s)retry-after=(\d{1,9})$/;

/** The seconds a close reason's `retry-after=<s>` token (its last token) names, or -1 when it has none. */
export function retryAfterSeconds(reason: string | undefined): number {
  const m = reason === undefined ? null : RETRY_AFTER.exec(reason);
  return m ? Number(m[1]) : -1;
}

/** BANNED and CONNECT_RATE_LIMITED, and the retryable range (codes.ts's numbers, kept here to avoid an import cycle). */
const BANNED = 4018;
const CONNECT_RATE_LIMITED = 4016;
const RETRYABLE_MIN = 4000;
const RETRYABLE_MAX = 4499;

/** The attempt counter over a {@link Backoff}, reset by a connection that lived the stable period. */
export class ReconnectPolicy {
  private readonly backoff: Backoff;
  private readonly stableMs: number;
  private count = 0;

  constructor(backoff: Backoff, stableMs: number) {
    this.backoff = backoff;
    this.stableMs = stableMs;
  }

  /**
   * The wait before the next attempt.
   * @param livedMs how long the connection that ended had been authenticated, or negative when it never was
   * @param status  how it ended. A retryable close (4000–4499) whose reason names `retry-after=<s>` waits at least
   *                those seconds plus this attempt's jitter above them (TOO_MANY_CONNECTIONS 4017 says 10 s, BANNED
   *                4018 the ban time); a BANNED without one waits the longest backoff plus the jitter.
   *                CONNECT_RATE_LIMITED (4016) with a retry-after instead waits those seconds plus a uniform draw
   *                within one second: the comet's accept bucket books each refused client a place in a second of its
   *                calendar and names that second, so the clients told one second spread across it (the attempt
   *                count still grows, for the next lost connection). Any other close, a 4016 without a retry-after
   *                included, waits as after a lost connection.
   */
  nextDelayMs(livedMs: number, status?: { code: number; reason: string }): number {
    if (livedMs >= this.stableMs) {
      this.count = 0;
    }
    const code = status?.code ?? 0;
    const retryAfter = code >= RETRYABLE_MIN && code <= RETRYABLE_MAX ? retryAfterSeconds(status?.reason) : -1;
    const retryAfterMs = retryAfter > 0 ? retryAfter * 1000 : 0;
    if (code === CONNECT_RATE_LIMITED && retryAfterMs > 0) {
      this.count = Math.min(this.count + 1, 62);
      return retryAfterMs + this.backoff.jitterMs(1000);
    }
    const floor = retryAfterMs > 0 ? retryAfterMs : code === BANNED ? this.backoff.maxMs : 0;
    const delay = this.backoff.delayMs(this.count);
    this.count = Math.min(this.count + 1, 62);
    return floor <= 0 ? delay : floor + (delay - this.backoff.minMs);
  }

  /** The attempt number the next delay is drawn for. */
  get attempt(): number {
    return this.count;
  }
}
