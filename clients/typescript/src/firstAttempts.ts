/**
 * The first connect's retry budget (the Java SDK's FirstAttempts): its deadline (firstConnectTimeoutMs after
 * connect()), the attempts made, and the place in the current round of addresses. An attempt that could not start
 * before the deadline is not waited for: connect() rejects at once with the refusal in hand.
 */
export class FirstAttempts {
  attempts = 0;
  private readonly deadline: number;
  private failedInRound = 0;

  constructor(start: number, timeoutMs: number) {
    this.deadline = start + timeoutMs;
  }

  failed(): void {
    this.attempts++;
  }

  /** Whether another address of this round is left to try at once (counts this failure against the round). */
  nextInRound(roundSize: number): boolean {
    return ++this.failedInRound < roundSize;
  }

  /** Whether an attempt delayMs after now starts no later than the deadline (Infinity: always). */
  startsInTime(now: number, delayMs: number): boolean {
    return now + delayMs <= this.deadline;
  }

  newRound(): void {
    this.failedInRound = 0;
  }
}
