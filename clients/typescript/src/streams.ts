/**
 * The position-aware side of a client (auth ver 3; the Java SDK's StreamFrames and Acks): the auth body with the last
 * positions after the token, the stream states of the auth reply and of op 21 applied to {@link Positions} and
 * reported, op-20 messages walked in order and delivered when new (duplicates dropped), and the member stream's acks
 * (op 22, cumulative): at most one per ackInterval while its position moved, plus one right after a resume once the
 * recovered messages were delivered. Room streams are never acked. One per client, surviving its reconnects.
 */
import { ErrorCode } from "./codes.js";
import { FrameError, forEachFrame } from "./frame.js";
import { Positions } from "./positions.js";
import {
  isMemberStream,
  readPositionList,
  readPublications,
  writeAuthBody,
  writePositionList,
  type StreamPosition,
  type StreamState,
} from "./streamWire.js";

/** A message of a stream with its position. {@link body} is a view of the received message, the caller's to keep. */
export interface Publication {
  stream: string;
  epoch: number;
  offset: number;
  op: number;
  body: Uint8Array;
}

/** Where the stream side reports to (the connection). */
export interface StreamSink {
  published(p: Publication): void;
  streamState(s: StreamState): void;
  /** Sends an op-22 body; false when not connected. */
  sendAck(body: Uint8Array): boolean;
}

export class StreamFrames {
  readonly positions = new Positions();
  private readonly sink: StreamSink;
  private readonly ackIntervalMs: number;
  private ackTimer?: ReturnType<typeof setInterval>;
  private lastAcked?: StreamPosition;
  private resumedTo?: StreamState;
  private connected = false;
  /** Op-22 frames sent over the client's life. */
  acksSent = 0;

  constructor(sink: StreamSink, ackIntervalMs: number, resumeFrom: readonly StreamPosition[]) {
    this.sink = sink;
    this.ackIntervalMs = ackIntervalMs;
    for (const p of resumeFrom) {
      this.positions.accept(p.stream, p.epoch, p.offset);
    }
  }

  /** The auth body: the token alone while no position is known, else token, NUL, the positions. */
  authBody(token: Uint8Array): Uint8Array {
    return writeAuthBody(token, this.positions.snapshot());
  }

  /** The states of a ver-3 auth reply; a recovered member stream is acked once its messages are in. */
  onAuthStates(states: StreamState[]): void {
    for (const s of states) {
      if (isMemberStream(s.stream) && s.asked && s.code === ErrorCode.OK) {
        this.resumedTo = s;
      }
    }
    this.onStates(states);
  }

  /** An op-21 body; a malformed one throws {@link FrameError}. */
  onStreamState(body: Uint8Array): void {
    this.onStates(readPositionList(body));
  }

  /**
   * An op-20 body: inner frame i is the message at offset first + i. A malformed prefix or inner frame throws
   * {@link FrameError} after the messages before it were delivered.
   */
  onPublications(body: Uint8Array): void {
    const batch = readPublications(body);
    const bad = forEachFrame(batch.frames, (f, i) => {
      const offset = batch.firstOffset + i;
      if (this.positions.accept(batch.stream, batch.epoch, offset)) {
        this.sink.published({ stream: batch.stream, epoch: batch.epoch, offset, op: f.op, body: f.body });
      }
    });
    this.afterDelivery();
    if (bad >= 0) {
      throw new FrameError(`malformed frame inside op 20 of ${batch.stream} at byte ${bad}`);
    }
  }

  /** The session is authenticated: starts the ack timer and sends the resume's ack if it is due. */
  startAcks(): void {
    this.stopAcks();
    this.connected = true;
    this.ackTimer = setInterval(() => this.tick(), this.ackIntervalMs);
    this.afterDelivery();
  }

  /** The connection is gone (or the client closed). */
  stopAcks(): void {
    this.connected = false;
    if (this.ackTimer !== undefined) {
      clearInterval(this.ackTimer);
      this.ackTimer = undefined;
    }
  }

  private onStates(states: StreamState[]): void {
    for (const s of states) {
      this.positions.apply(s);
      this.sink.streamState(s);
    }
  }

  private afterDelivery(): void {
    const target = this.resumedTo;
    if (!target || !this.connected) {
      return;
    }
    const now = this.positions.member();
    if (!now || now.epoch !== target.epoch || now.offset >= target.offset) {
      this.resumedTo = undefined;
      if (now) {
        this.send(now);
      }
    }
  }

  private tick(): void {
    const now = this.positions.member();
    const last = this.lastAcked;
    if (now && !(last && last.stream === now.stream && last.epoch === now.epoch && last.offset === now.offset)) {
      this.send(now);
    }
  }

  private send(position: StreamPosition): void {
    if (this.sink.sendAck(writePositionList([position]))) {
      this.lastAcked = position;
      this.acksSent++;
    }
  }
}
