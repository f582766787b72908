/**
 * Routes one decoded frame (the Java SDK's ClientHandler.dispatch): op 20/21 to the stream side of a position-aware
 * client, the auth reply, heartbeat replies, op-9 batches walked into their inner frames in order, the DISCONNECT
 * goodbye, error replies (to their request, or before auth as the refusal), replies to their requests by seq, and
 * everything else to the listener as a push. A malformed frame throws {@link FrameError} (the connection then closes
 * with PROTOCOL_ERROR) after the frames before it were delivered.
 */
import { CloseCode, CloseStatus, ErrorCode, parseErrorReply, parseGoodbye } from "./codes.js";
import { FrameError, Op, forEachFrame, type Frame } from "./frame.js";
import type { Heartbeat } from "./heartbeat.js";
import type { PendingRequests } from "./requests.js";
import type { StreamFrames } from "./streams.js";

export interface FrameTarget {
  streams?: StreamFrames;
  heartbeat: Heartbeat;
  pending: PendingRequests;
  authenticating(): boolean;
  authReply(body: Uint8Array): void;
  goodbye(status: CloseStatus): void;
  authRefused(status: CloseStatus): void;
  pushed(op: number, seq: number, body: Uint8Array): void;
}

export function routeFrame(f: Frame, t: FrameTarget): void {
  if (t.streams && (f.op === Op.PUBLICATIONS || f.op === Op.STREAM_STATE)) {
    if (f.op === Op.PUBLICATIONS) {
      t.streams.onPublications(f.body);
    } else {
      t.streams.onStreamState(f.body);
    }
    return;
  }
  switch (f.op) {
    case Op.AUTH_REPLY:
      t.authReply(f.body);
      return;
    case Op.HEARTBEAT_REPLY:
      t.heartbeat.onReply(f.body.length >= 4 ? new DataView(f.body.buffer, f.body.byteOffset, 4).getInt32(0) : 0);
      return;
    case Op.RAW: {
      const bad = forEachFrame(f.body, (inner) => routeFrame(inner, t));
      if (bad >= 0) {
        throw new FrameError(`malformed frame inside op 9 at offset ${bad}`);
      }
      return;
    }
    case Op.DISCONNECT:
      t.goodbye(parseGoodbye(f.body));
      return;
    case Op.ERROR_REPLY:
      if (!t.pending.complete(f.op, f.seq, f.body) && t.authenticating()) {
        // The goodbye that follows says the real code; this stands if it is lost. A resume the history store could
        // not serve is retried with the same positions.
        const e = parseErrorReply(f.body);
        const code = e.code === ErrorCode.HISTORY_UNAVAILABLE ? CloseCode.RESUME : CloseCode.AUTH_FAILED;
        t.authRefused(new CloseStatus(code, e.message));
      }
      return;
    default:
      if (!t.pending.complete(f.op, f.seq, f.body)) {
        t.pushed(f.op, f.seq, f.body);
      }
  }
}
