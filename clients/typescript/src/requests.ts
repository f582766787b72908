/**
 * A client's requests waiting for their replies, by seq, and the seq counter (the Java SDK's PendingRequests). A reply
 * answers a request when it carries the request's seq and either op + 1 (change room, watch, recent, refresh), the
 * same op (goim's empty echo of upstream and business ops, or the body the server's upstream route answered: pushes
 * carry seq 0, so the same op with the request's seq is never a push) or the error-reply op (which rejects it with
 * the server's code). Each request has a timeout; a lost connection rejects every waiting request.
 */
import { ErrorCode, JgoimError, parseErrorReply } from "./codes.js";
import { Op } from "./frame.js";

/** A reply to a request: its op, seq and body (a view of the received message, the caller's to keep). */
export interface Reply {
  op: number;
  seq: number;
  body: Uint8Array;
}

interface Pending {
  op: number;
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class PendingRequests {
  private seq = 0;
  private readonly pending = new Map<number, Pending>();

  /** The next seq, never 0 (pushes carry 0), wrapping within int32. */
  nextSeq(): number {
    this.seq = this.seq >= 0x7fffffff ? 1 : this.seq + 1;
    return this.seq;
  }

  /** Registers request {@code op} under {@code seq}, rejected with TIMEOUT after {@code timeoutMs}. */
  add(seq: number, op: number, timeoutMs: number): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending.get(seq)?.timer === timer) {
          this.pending.delete(seq);
          reject(new JgoimError(ErrorCode.TIMEOUT, `no reply to op ${op} seq ${seq} within ${timeoutMs} ms`));
        }
      }, timeoutMs);
      this.pending.set(seq, { op, resolve, reject, timer });
    });
  }

  /** Completes the request waiting for {@code seq} when {@code op} answers it; true when consumed. */
  complete(op: number, seq: number, body: Uint8Array): boolean {
    if (seq === 0) {
      return false;
    }
    const p = this.pending.get(seq);
    if (!p) {
      return false;
    }
    const answers =
      (op === p.op + 1 && p.op < Op.BUSINESS_MIN) || op === p.op || op === Op.ERROR_REPLY;
    if (!answers) {
      return false;
    }
    this.pending.delete(seq);
    clearTimeout(p.timer);
    if (op === Op.ERROR_REPLY) {
      const e = parseErrorReply(body);
      p.reject(new JgoimError(e.code, e.message));
    } else {
      p.resolve({ op, seq, body });
    }
    return true;
  }

  /** Rejects every waiting request with {@code cause}. */
  failAll(cause: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) {
      clearTimeout(p.timer);
      p.reject(cause);
    }
  }

  get size(): number {
    return this.pending.size;
  }
}
