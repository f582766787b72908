/**
 * When the session's token expires ("expires", unix seconds, in the extended auth reply and each refresh reply;
 * absent = never) and, with a token refresher, the timer that refreshes it ahead of time (the Java SDK's
 * TokenLifetime): at the later of 30 s before exp and half the time left; a failed refresh is tried again after a
 * quarter of the time left while more than two seconds are.
 */
import { expiresSeconds } from "./tokens.js";

const MAX_LEAD_MS = 30_000;
/** setTimeout fires at once past this (2^31 - 1 ms, ~24.8 days): longer waits are taken in steps. */
const MAX_TIMER_MS = 0x7fffffff;

export class TokenLifetime {
  private readonly refresh?: () => Promise<unknown>;
  private timer?: ReturnType<typeof setTimeout>;
  /** Unix seconds; 0 = never or unknown. */
  expiresAt = 0;

  /** {@code refresh} asks the refresher for a token and sends it (op 23); undefined: no automatic refresh. */
  constructor(refresh?: () => Promise<unknown>) {
    this.refresh = refresh;
  }

  onAuthenticated(authJson: string): void {
    this.expiresAt = expiresSeconds(authJson);
    this.schedule(false);
  }

  onRefreshed(expires: number): void {
    this.expiresAt = expires;
    this.schedule(false);
  }

  stop(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private schedule(retry: boolean): void {
    this.stop();
    if (!this.refresh || this.expiresAt === 0) {
      return;
    }
    const leftMs = this.expiresAt * 1000 - Date.now();
    let delayMs: number;
    if (retry) {
      if (leftMs <= 2000) {
        return;
      }
      delayMs = leftMs / 4;
    } else {
      delayMs = Math.max(0, leftMs - Math.min(MAX_LEAD_MS, leftMs / 2));
    }
    if (delayMs > MAX_TIMER_MS) {
      this.timer = setTimeout(() => this.schedule(retry), MAX_TIMER_MS);
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh!().catch(() => this.schedule(true));
    }, delayMs);
  }
}
