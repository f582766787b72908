/**
 * One connection attempt's socket and what was learned about its end: a close decided locally (timeout, protocol
 * error, the application's close), the server's DISCONNECT goodbye (op 18, with drain hints) and an auth refusal
 * (op 19 before the auth reply). {@link statusOf} turns them and the WebSocket close event into the one
 * {@link CloseStatus} the client reports.
 */
import { CloseCode, CloseStatus } from "./codes.js";
import type { WebSocketLike } from "./transport.js";

export interface Attempt {
  ws?: WebSocketLike;
  url: string;
  done: boolean;
  local?: CloseStatus;
  goodbye?: CloseStatus;
  authError?: CloseStatus;
  timer?: ReturnType<typeof setTimeout>;
}

/** Why the attempt ended, given the close event's code and reason. */
export function statusOf(att: Attempt, code: number, reason: string): CloseStatus {
  if (att.local) {
    return att.local;
  }
  if (code === 1005 || code === 1006 || !code) {
    return att.goodbye ?? att.authError ?? CloseStatus.abnormal(reason || "connection closed by peer");
  }
  // The close frame's code rules; a goodbye with the same code brings its node hints.
  const nodes = att.goodbye && att.goodbye.code === code ? att.goodbye.nodes : [];
  return new CloseStatus(code, reason || att.goodbye?.reason || "", nodes);
}

/**
 * Detaches the attempt's socket and closes it: the application's close (NORMAL) with a clean close handshake; a dead
 * peer, a timeout or a protocol error without waiting for one (ws's terminate() where there is one; a browser's
 * close() returns at once anyway).
 */
export function abortSocket(att: Attempt, status: CloseStatus): void {
  const ws = att.ws;
  if (!ws) {
    return;
  }
  ws.onopen = ws.onmessage = ws.onclose = null;
  ws.onerror = () => undefined;
  try {
    const terminate = (ws as { terminate?: () => void }).terminate;
    if (status.code === CloseCode.NORMAL || typeof terminate !== "function") {
      ws.close(status.code === CloseCode.NORMAL ? 1000 : 4000);
    } else {
      terminate.call(ws);
    }
  } catch {
    // already closing
  }
}
