// The live-comments demo (docs/demo.md), on the TypeScript SDK (clients/typescript) the build copies into sdk/.
// Joining opens one JgoimClient with a goim JSON token built from the nickname's member id and the room; comments go
// up as upstream messages (op 1001, body {"content","nickname"}) and come back to everyone in the room as room pushes
// (op 1001, docs/events.md "comment"); a joiner first reads the room's recent comments from its history (op 24).
// The online count is the one the comet puts in each heartbeat reply: no push-API call, so no API key in the page.
// URL parameters: room, nick, mid, join=1 (join at once), ws (a comet's WebSocket URL instead of logic's node
// list), token (a token to send as is, e.g. a JWT from your backend: the page then builds none).
const COMMENT_OP = 1001;
const RECENT_COUNT = 50;

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const sdk = await import("./sdk/index.js").catch((e) => {
  console.error("jgoim demo: cannot load the SDK", e);
  return null;
});

let client = null;
let nickname = "";
const shown = new Set();

$("nick").value = params.get("nick") ?? `viewer-${Math.floor(Math.random() * 900 + 100)}`;
$("mid").value = params.get("mid") ?? String(Math.floor(Math.random() * 1_000_000) + 1);
$("room").value = params.get("room") ?? "live://demo";

// The module awaits the SDK, so it runs after the page has loaded: until here a field typed into could be
// overwritten above and Join would submit the form natively. Join is enabled, and the page marked ready
// (html[data-ready], what the browser test waits for), only now.
if (!sdk) {
  $("sdk-missing").hidden = false;
  $("join-button").disabled = true;
  document.documentElement.dataset.ready = "false";
} else {
  $("join").addEventListener("submit", (e) => {
    e.preventDefault();
    join();
  });
  $("leave-button").addEventListener("click", () => leave());
  $("post").addEventListener("submit", (e) => {
    e.preventDefault();
    post();
  });
  setInterval(showCounters, 500);
  $("join-button").disabled = false;
  document.documentElement.dataset.ready = "true";
  if (params.get("join") === "1") {
    join();
  }
}

function join() {
  leave();
  nickname = $("nick").value.trim();
  const mid = Number($("mid").value);
  const room = $("room").value.trim();
  const token = params.get("token") ?? sdk.goimToken(mid, "", room, "web", [COMMENT_OP]);
  const where = params.get("ws")
    ? { url: params.get("ws") }
    : { nodesUrl: new URL("../goim/nodes/weighted", location.href).href };
  const c = new sdk.JgoimClient(
    {
      ...where,
      token,
      positions: true, // room history: recent() for late joiners, and no loss across a reconnect
      heartbeatFromServer: false,
      heartbeatIntervalMs: 3000, // the online count comes with each heartbeat reply
      backoffMinMs: 500,
      backoffMaxMs: 4000,
    },
    {
      onStateChange: (cl, state) => cl === client && showState(state),
      onConnected: (cl, node) => cl === client && connected(cl, node, room),
      onClose: (cl, status, again) => cl === client && closed(status, again),
      onPublication: (cl, p) => cl === client && received(p.op, p.body, false),
      onPush: (cl, op, seq, body) => cl === client && received(op, body, false),
    },
  );
  client = c;
  shown.clear();
  $("comments").replaceChildren();
  $("close-reason").hidden = true;
  $("leave-button").disabled = false;
  c.connect().catch(() => undefined); // a refusal is shown by onClose
}

function leave() {
  const c = client;
  client = null;
  c?.close();
  enablePosting(false);
  $("leave-button").disabled = true;
  showState("CLOSED");
}

async function connected(c, node, room) {
  $("node").textContent = node;
  $("close-reason").hidden = true;
  enablePosting(true);
  try {
    const recent = await c.recent(room, RECENT_COUNT);
    for (const p of recent) {
      if (c === client) {
        received(p.op, p.body, true);
      }
    }
  } catch (e) {
    // Rooms without history (history.rooms size 0) answer with an error: live comments still arrive.
    console.info("jgoim demo: no recent comments:", e.message ?? e);
  }
}

function closed(status, willReconnect) {
  enablePosting(false);
  const p = $("close-reason");
  p.hidden = false;
  p.dataset.code = String(status.code);
  p.dataset.terminal = String(!willReconnect);
  const what = `${status.name ?? "closed"} ${status.code} (${status.meaning ?? "connection closed"})`;
  const why = status.reason ? `: ${status.reason}` : "";
  p.textContent = willReconnect
    ? `connection lost, ${what}${why}; reconnecting…`
    : `closed, ${what}${why}; not reconnecting.`;
}

function received(op, body, recent) {
  if (op !== COMMENT_OP) {
    return;
  }
  let c;
  try {
    c = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return; // not a comment event: ignored, as the SDK ignores nothing else of the page
  }
  const id = String(c.comment_id ?? "");
  if (!id || shown.has(id)) {
    return; // already shown: the recent list and the live push can overlap
  }
  shown.add(id);
  const li = document.createElement("li");
  li.dataset.commentId = id;
  li.className = recent ? "recent" : "live";
  const who = document.createElement("span");
  who.className = "who";
  who.textContent = c.nickname || `member ${c.mid}`;
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = String(c.content ?? "");
  const when = document.createElement("span");
  when.className = "when";
  const at = Number(c.created_at_ms) || 0;
  li.dataset.at = String(at);
  when.textContent = at ? new Date(at).toLocaleTimeString() : "";
  li.append(who, text, when);
  // In time order: a recent comment may be read after a newer live one arrived.
  const list = $("comments");
  const after = [...list.children].find((x) => Number(x.dataset.at) > at);
  list.insertBefore(li, after ?? null);
  list.scrollTop = list.scrollHeight;
}

async function post() {
  const c = client;
  const input = $("content");
  const content = input.value.trim();
  if (!c || !content) {
    return;
  }
  const result = $("post-result");
  try {
    const reply = await c.sendUpstream(COMMENT_OP, JSON.stringify({ content, nickname }));
    input.value = "";
    let id = "";
    try {
      id = JSON.parse(new TextDecoder().decode(reply.body)).comment_id ?? "";
    } catch {
      // an empty reply (a server without the comment handler) carries no id
    }
    result.textContent = id ? `sent (${id})` : "sent";
  } catch (e) {
    result.textContent = `not sent: ${e.code ?? ""} ${e.message ?? e}`;
  }
}

function enablePosting(on) {
  $("content").disabled = !on;
  $("send").disabled = !on;
}

function showState(state) {
  $("state").textContent = state;
  $("state").dataset.state = state;
}

function showCounters() {
  const c = client;
  if (!c) {
    return;
  }
  $("reconnects").textContent = String(c.reconnects);
  $("online").textContent = c.state === "CONNECTED" && c.heartbeatReplies > 0 ? String(c.onlineCount) : "–";
}
