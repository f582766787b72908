/**
 * The heartbeat of one authenticated connection (the Java SDK's Heartbeat): op 2 at the interval — the one a jgoim
 * comet advised in its auth reply, else the configured one — counting replies and the room's online count they carry,
 * and declaring the connection dead after {@code maxMissed} unanswered intervals (how a silently dead peer is seen).
 */
import { advisedHeartbeatSeconds } from "./tokens.js";

export class Heartbeat {
  private readonly fixedMs: number;
  private readonly fromServer: boolean;
  private readonly maxMissed: number;
  private timer?: ReturnType<typeof setInterval>;
  private missed = 0;
  /** The room's online count from the last reply (0 before the first). */
  onlineCount = 0;
  /** Replies received over the client's life. */
  replies = 0;
  /** The interval in use. */
  intervalMs: number;

  constructor(intervalMs: number, fromServer: boolean, maxMissed: number) {
    this.fixedMs = intervalMs;
    this.intervalMs = intervalMs;
    this.fromServer = fromServer;
    this.maxMissed = maxMissed;
  }

  /**
   * Starts beating after an auth whose reply JSON is {@code authJson}: {@code send} writes op 2 (false when it could
   * not), {@code dead} ends the connection.
   */
  start(authJson: string, send: () => boolean, dead: (reason: string) => void): void {
    this.stop();
    this.missed = 0;
    const advised = this.fromServer ? advisedHeartbeatSeconds(authJson) : -1;
    this.intervalMs = advised > 0 ? advised * 1000 : this.fixedMs;
    this.timer = setInterval(() => {
      if (this.missed >= this.maxMissed) {
        dead(`no heartbeat reply for ${this.missed} intervals`);
        return;
      }
      this.missed++;
      send();
    }, this.intervalMs);
  }

  stop(): void {
    if (this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** A reply carrying the room's online count arrived. */
  onReply(count: number): void {
    this.missed = 0;
    this.onlineCount = count;
    this.replies++;
  }
}
