/**
 * jgoim's TypeScript client SDK: goim frames over WebSocket for browsers and Node.js. See README.md.
 */
export { JgoimClient, type ClientListener } from "./client.js";
export type { ClientOptions } from "./options.js";
export type { ClientState } from "./connection.js";
export type { Reply } from "./requests.js";
export type { Publication } from "./streams.js";
export {
  CloseCode,
  CloseStatus,
  ErrorCode,
  JgoimError,
  closeKind,
  closeName,
  isTerminal,
  parseErrorReply,
  parseGoodbye,
  parseNodeList,
  type CloseKind,
} from "./codes.js";
export { Backoff, ReconnectPolicy, retryAfterSeconds } from "./backoff.js";
export { Endpoints, NODE_LIST_TIMEOUT_MS, type FetchLike } from "./endpoints.js";
export {
  FrameError,
  HEADER_LENGTH,
  Op,
  Ver,
  decodeFrame,
  encodeFrame,
  forEachFrame,
  unpackFrames,
  type Frame,
} from "./frame.js";
export { Positions } from "./positions.js";
export {
  MAX_ENTRIES,
  isMemberStream,
  readAuthReply,
  readPositionList,
  readPublications,
  recovered,
  writeAuthBody,
  writePositionList,
  writeRecentRequest,
  type PublicationBatch,
  type StreamPosition,
  type StreamState,
} from "./streamWire.js";
export { goimToken } from "./tokens.js";
export type { WebSocketConstructor, WebSocketLike } from "./transport.js";
