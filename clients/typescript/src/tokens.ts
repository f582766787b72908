/**
 * The JSON bits around the auth: goim's plain JSON token, the session key the server generated (kept for later auths
 * so the session keeps its identity across reconnects and comets), and the heartbeat interval and token expiry an
 * extended auth reply advises. Lenient readers, as the Java SDK's SessionKeys, Heartbeat and TokenLifetime.
 */

/**
 * goim's JSON token, {@code {"mid":123,"key":"","room_id":"live://1000","platform":"web","accepts":[1000]}}. An empty
 * key asks the server for a generated one (JSON.stringify gives the same compact form as the Java SDK's GoimToken).
 */
export function goimToken(mid: number, key: string, roomId: string, platform = "web", accepts: number[] = []): string {
  return JSON.stringify({ mid, key: key ?? "", room_id: roomId ?? "", platform: platform ?? "", accepts });
}

const KEY = /"key"\s*:\s*"((?:[^"\\]|\\.)*)"/;
const EMPTY_KEY = '"key":""';
const HEARTBEAT = /"heartbeat"\s*:\s*(\d{1,9})/;
const EXPIRES = /"expires"\s*:\s*(\d{1,12})/;

/** The key an extended auth reply names, or undefined (a goim reply has no body). */
export function keyFromAuthReply(json: string): string | undefined {
  const m = KEY.exec(json);
  return m && m[1] !== "" ? m[1] : undefined;
}

/** {@code token} with its empty goim key set to {@code key} (as it came, JSON-escaped), else unchanged (a JWT). */
export function withKey(token: string, key: string | undefined): string {
  if (key === undefined || !token.startsWith("{")) {
    return token;
  }
  const at = token.indexOf(EMPTY_KEY);
  if (at < 0) {
    return token;
  }
  return `${token.substring(0, at)}"key":"${key}"${token.substring(at + EMPTY_KEY.length)}`;
}

/** The heartbeat interval in seconds an extended auth reply advises, or -1. */
export function advisedHeartbeatSeconds(json: string): number {
  const m = HEARTBEAT.exec(json);
  return m ? Number(m[1]) : -1;
}

/** The "expires" (unix seconds) of an auth or refresh reply, 0 when absent (never). */
export function expiresSeconds(json: string): number {
  const m = EXPIRES.exec(json);
  return m ? Number(m[1]) : 0;
}
