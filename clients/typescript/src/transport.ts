/**
 * The WebSocket the client needs: the browser's (WHATWG) interface, which Node 22's global WebSocket and the `ws`
 * package also implement. Node 18 and 20 have no global WebSocket (20 only behind --experimental-websocket): pass
 * a constructor as the `WebSocket` option there, e.g. `import WebSocket from "ws"`.
 */

/** The subset of a WebSocket the client uses. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor: the browser's, Node 22's global, or the `ws` package's default export. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WebSocketConstructor = new (url: string) => any;

/** The constructor from the options, else the global one; throws a clear error when there is none. */
export function webSocketConstructor(given?: WebSocketConstructor): WebSocketConstructor {
  if (given) {
    return given;
  }
  const g = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!g) {
    throw new Error("no global WebSocket (Node < 22): pass the WebSocket option, e.g. the 'ws' package's export");
  }
  return g;
}

/** A received message as bytes; null for a text message (not allowed by the protocol). */
export function messageBytes(data: unknown): Uint8Array | null {
  if (data instanceof ArrayBuffer) {
    return new Uint8Array(data);
  }
  if (ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  if (Array.isArray(data)) {
    // ws's "fragments" binary type: concatenate
    const parts = data as Uint8Array[];
    const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    return out;
  }
  return null;
}
