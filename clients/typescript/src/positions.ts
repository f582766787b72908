/**
 * What a position-aware client holds of each stream (the Java SDK's Positions): the epoch and the last offset it
 * delivered. Decides whether a positioned message is new (delivered, the position advances) or a duplicate (offset at
 * or below the last one in the same epoch: dropped and counted), forgets a stream's offsets when its epoch changes,
 * and gives the list the next auth sends (at most 16 streams; the stalest is evicted). Survives reconnects.
 */
import { ErrorCode } from "./codes.js";
import { MAX_ENTRIES, recovered, type StreamPosition, type StreamState } from "./streamWire.js";

interface Entry {
  epoch: number;
  offset: number;
  touched: number;
}

export class Positions {
  private readonly streams = new Map<string, Entry>();
  private clock = 0;
  /** Messages dropped as duplicates over the client's life. */
  duplicates = 0;
  /** Times a tracked stream moved to another epoch (its old offsets were forgotten). */
  epochChanges = 0;

  /** A message of {@code stream} at (epoch, offset) arrived: true when new (deliver it), false for a duplicate. */
  accept(stream: string, epoch: number, offset: number): boolean {
    const e = this.streams.get(stream);
    if (e && e.epoch === epoch && offset <= e.offset) {
      this.duplicates++;
      return false;
    }
    if (e && e.epoch !== epoch) {
      this.epochChanges++;
    }
    this.put(stream, epoch, offset);
    return true;
  }

  /**
   * The server said where a stream stands. Recovered (asked, code 0): the missed messages follow as op 20 and advance
   * the position. HISTORY_OFF or STREAM_FORBIDDEN: forgotten, not asked for again. Anything else: the stream
   * continues after the state's position, which becomes the client's.
   */
  apply(state: StreamState): void {
    const e = this.streams.get(state.stream);
    if (state.code === ErrorCode.HISTORY_OFF || state.code === ErrorCode.STREAM_FORBIDDEN) {
      this.streams.delete(state.stream);
      return;
    }
    if (recovered(state)) {
      if (e && e.epoch !== state.epoch) {
        this.streams.delete(state.stream);
        this.epochChanges++;
      }
      return;
    }
    if (e && e.epoch !== state.epoch) {
      this.epochChanges++;
    }
    this.put(state.stream, state.epoch, state.offset);
  }

  /** The positions to send after the token, by stream name. */
  snapshot(): StreamPosition[] {
    return [...this.streams.entries()]
      .map(([stream, e]) => ({ stream, epoch: e.epoch, offset: e.offset }))
      .sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
  }

  /** The member stream's position ({@code mid:<mid>}, offset above 0), or undefined. */
  member(): StreamPosition | undefined {
    return this.snapshot().find((p) => p.stream.startsWith("mid:") && p.offset > 0);
  }

  get size(): number {
    return this.streams.size;
  }

  private put(stream: string, epoch: number, offset: number): void {
    if (!this.streams.has(stream) && this.streams.size >= MAX_ENTRIES) {
      this.evictStalest();
    }
    this.streams.set(stream, { epoch, offset, touched: ++this.clock });
  }

  private evictStalest(): void {
    let stalest: string | undefined;
    let oldest = Infinity;
    for (const [stream, e] of this.streams) {
      if (e.touched < oldest) {
        oldest = e.touched;
        stalest = stream;
      }
    }
    if (stalest !== undefined) {
      this.streams.delete(stalest);
    }
  }
}
