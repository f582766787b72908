/**
 * Which comet the client tries next (the Java SDK's Endpoints). Node hints from a draining comet's goodbye come first
 * (each once, in the server's order); otherwise the rotation: the addresses of logic's node list
 * ({@code /goim/nodes/weighted}) when one is configured and answered, then the configured URLs, each in turn, so a
 * dead address is tried once per round and never twice in a row while another is known. The list is fetched before
 * the first attempt and again each time the rotation wraps; a failed fetch keeps the last list, and so does one that
 * has not answered within {@link NODE_LIST_TIMEOUT_MS}: a logic node that accepted the connection and never answers
 * (a listener that is no longer accepting keeps completing TCP handshakes in its backlog) must not hold the client
 * in CONNECTING.
 */
import { parseNodeList, portOf } from "./codes.js";

/** How long the client waits for logic's node list before it goes on with the list it has. */
export const NODE_LIST_TIMEOUT_MS = 5000;

export type FetchLike = (url: string) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export class Endpoints {
  private readonly bootstrap: string[];
  private readonly nodesUrl?: string;
  private readonly fetcher?: FetchLike;
  private readonly scheme: string;
  private readonly path: string;
  private readonly hints: string[] = [];
  private rotation: string[];
  private cursor = 0;
  private fetchDue: boolean;
  private readonly fetchTimeoutMs: number;

  /**
   * @param urls     the configured WebSocket URLs (ws:// or wss://, path included), at least one unless nodesUrl
   * @param nodesUrl logic's node list; {@code platform=web} is added when the URL has no platform
   * @param fetcher  fetch (the global one by default)
   * @param fetchTimeoutMs how long a node-list fetch may take (status and body together)
   */
  constructor(urls: string[], nodesUrl?: string, fetcher?: FetchLike, fetchTimeoutMs = NODE_LIST_TIMEOUT_MS) {
    if (urls.length === 0 && !nodesUrl) {
      throw new RangeError("at least one url, or a nodesUrl");
    }
    for (const u of urls) {
      if (!/^wss?:\/\/[^/]+/.test(u)) {
        throw new RangeError(`not a ws:// or wss:// URL: ${u}`);
      }
    }
    this.bootstrap = [...urls];
    this.rotation = [...urls];
    const first = urls[0] ?? "ws://localhost/sub";
    this.scheme = first.startsWith("wss:") ? "wss" : "ws";
    const m = /^wss?:\/\/[^/]+(\/.*)?$/.exec(first);
    this.path = (m && m[1]) || "/sub";
    if (nodesUrl) {
      this.nodesUrl = /[?&]platform=/.test(nodesUrl) ? nodesUrl : `${nodesUrl}${nodesUrl.includes("?") ? "&" : "?"}platform=web`;
      // Browsers' fetch throws "Illegal invocation" unless called on the global object: bind it.
      const global = globalThis as { fetch?: FetchLike };
      this.fetcher = fetcher ?? (global.fetch ? global.fetch.bind(globalThis) : undefined);
      if (!this.fetcher) {
        throw new Error("nodesUrl needs fetch: pass the fetch option");
      }
    }
    this.fetchDue = !!nodesUrl;
    this.fetchTimeoutMs = fetchTimeoutMs;
  }

  /** The URL to try next, after fetching the node list when it is due. */
  async next(): Promise<string> {
    if (this.hints.length === 0 && this.fetchDue) {
      this.fetchDue = false;
      try {
        const nodes = await this.fetchNodes();
        if (nodes.length > 0) {
          this.listed(nodes);
        }
      } catch {
        // keep the last list: the configured URLs still work
      }
    }
    return this.nextNow();
  }

  /** The URL to try next, without fetching. */
  nextNow(): string {
    const h = this.hints.shift();
    if (h !== undefined) {
      return h;
    }
    if (this.rotation.length === 0) {
      throw new Error(`no address to connect to: node list ${this.nodesUrl} gave none`);
    }
    const addr = this.rotation[this.cursor];
    this.cursor++;
    if (this.cursor >= this.rotation.length) {
      this.cursor = 0;
      this.fetchDue = !!this.nodesUrl;
    }
    return addr;
  }

  /** A draining comet named these nodes: tried first, in order (replacing older hints). */
  hint(nodes: readonly string[]): void {
    this.hints.length = 0;
    for (const n of nodes) {
      this.hints.push(this.toUrl(n));
    }
  }

  get hasHints(): boolean {
    return this.hints.length > 0;
  }

  /** How many addresses one round of the rotation tries (hints aside). */
  get roundSize(): number {
    return Math.max(1, this.rotation.length);
  }

  /** Takes logic's node list: its addresses lead the rotation, the configured URLs follow. */
  listed(nodes: readonly string[]): void {
    this.rotation = [...new Set([...nodes.map((n) => this.toUrl(n)), ...this.bootstrap])];
    this.cursor = 0;
  }

  /** {@code host:port} as a URL with the configured scheme and path; URLs stay as they are. */
  toUrl(node: string): string {
    if (/^wss?:\/\//.test(node)) {
      return node;
    }
    if (portOf(node) < 0) {
      throw new RangeError(`not host:port: ${node}`);
    }
    return `${this.scheme}://${node}${this.path}`;
  }

  private async fetchNodes(): Promise<string[]> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`node list: no answer within ${this.fetchTimeoutMs} ms`)),
        this.fetchTimeoutMs);
    });
    const list = (async () => {
      const r = await this.fetcher!(this.nodesUrl!);
      if (!r.ok) {
        throw new Error(`HTTP ${r.status}`);
      }
      return parseNodeList(await r.text());
    })();
    list.catch(() => undefined); // a late failure after the timeout has nobody to tell
    try {
      return await Promise.race([list, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
