// A WebSocket refused by a comet limit, seen from a real Chromium (Debian's, headless, driven by playwright-core):
// the comet completes the upgrade and closes with the limit's code (webSocket.refusal: close-frame), so the page's
// close event has the code and the reason's retry-after, not 1006; and the TypeScript SDK, loaded in the page from
// the demo's bundle, waits that retry-after instead of backing off. server's BrowserRefusalIT starts a standalone
// server with limits.maxConnectionsPerIp 2, authFailuresPerIp 2 and banTime 6s, and passes:
//   JGOIM_DEMO_URL   the demo page (its origin is allowed; it serves the SDK's modules)
//   JGOIM_WS         the comet's WebSocket URL
//   JGOIM_CHROMIUM   the browser binary (default: chromium on the PATH)
//   JGOIM_CONTROL    the IT's control endpoint: POST /ban bans 127.0.0.1 (connect/close flaps from it);
//                    GET /refusals says how many connects the ban refused
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chromium } from "playwright-core";

const DEMO = process.env.JGOIM_DEMO_URL;
const WS = process.env.JGOIM_WS;
const CONTROL = process.env.JGOIM_CONTROL;
const BAN_SECONDS = 6;
const WAIT = 60_000; // generous: the machine is shared; every wait is for an event, none asserts a duration

let browser;
let page;
const pageErrors = [];

function executable() {
  const name = process.env.JGOIM_CHROMIUM ?? "chromium";
  return name.includes("/") ? name : execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
}

before(async () => {
  assert.ok(DEMO && WS && CONTROL, "set JGOIM_DEMO_URL, JGOIM_WS and JGOIM_CONTROL (server's BrowserRefusalIT does)");
  browser = await chromium.launch({
    executablePath: executable(),
    headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
  page = await browser.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("console", (m) => console.log(`[page ${m.type()}] ${m.text()}`));
  await page.goto(DEMO);
  await page.waitForSelector('html[data-ready="true"]', { timeout: WAIT });
});

after(async () => {
  await browser?.close();
});

/** Opens a plain `new WebSocket(url)` in the page and resolves with its close event (or its open, if it opens). */
const plainSocket = (keepOpen) =>
  page.evaluate(
    ([url, keep]) =>
      new Promise((resolve) => {
        const ws = new WebSocket(url);
        let opened = false;
        ws.onopen = () => {
          opened = true;
          if (keep) {
            window.kept = ws;
            resolve({ opened });
          }
        };
        ws.onclose = (e) => resolve({ opened, code: e.code, reason: e.reason, wasClean: e.wasClean });
      }),
    [WS, keepOpen],
  );

async function control(method, path) {
  const r = await fetch(`${CONTROL}${path}`, { method });
  const body = await r.text();
  assert.equal(r.status, 200, body);
  return body;
}

test("the SDK connects, through a WebSocket constructor that counts its sockets", async () => {
  await page.evaluate(async ([url]) => {
    const sdk = await import("./sdk/index.js");
    window.sdkSockets = 0;
    window.sdkCloses = [];
    const Counted = class extends WebSocket {
      constructor(u) {
        super(u);
        window.sdkSockets++;
        window.sdkSocket = this;
      }
    };
    window.sdkClient = new sdk.JgoimClient(
      {
        url,
        token: sdk.goimToken(41, "", "live://refusal", "web", [1000]),
        WebSocket: Counted,
        backoffMinMs: 50, // a lost connection is retried within 50-200 ms: some 40 tries during a 6 s ban
        backoffMaxMs: 200,
      },
      {
        onClose: (c, status, again) => window.sdkCloses.push({ code: status.code, reason: status.reason, again }),
      },
    );
    await window.sdkClient.connect();
  }, [WS]);
  assert.equal(await page.evaluate(() => window.sdkClient.state), "CONNECTED");
});

test("a plain WebSocket over the per-address connection limit closes with 4017 and its retry-after", async () => {
  // the SDK's session and this one fill the address's 2
  assert.deepEqual(await plainSocket(true), { opened: true });
  const refused = await plainSocket(false);
  assert.equal(refused.code, 4017, JSON.stringify(refused));
  assert.equal(refused.reason, "too many open connections from this address; reconnect after a backoff retry-after=10");
  await page.evaluate(() => new Promise((resolve) => {
    window.kept.onclose = resolve;
    window.kept.close();
  }));
});

test("a plain WebSocket from a banned address closes with 4018 and the ban time as retry-after", async () => {
  await control("POST", "/ban");
  const refused = await plainSocket(false);
  assert.equal(refused.code, 4018, JSON.stringify(refused));
  assert.equal(refused.reason,
    `address banned for repeated auth failures; back off for at least the ban time retry-after=${BAN_SECONDS}`);
  assert.equal(await control("GET", "/refusals"), "1");
});

test("the SDK, refused by the ban on its reconnect, waits the retry-after instead of backing off", async () => {
  // The session is dropped (as by a network blip): the SDK reconnects within 50-200 ms and is refused with 4018.
  await page.evaluate(() => window.sdkSocket.close());
  await page.waitForFunction(() => window.sdkCloses.some((c) => c.code === 4018), null, { timeout: WAIT });
  // Then it waits out the ban (it began before the refusal) and gets in with its next attempt.
  await page.waitForFunction(() => window.sdkClient.state === "CONNECTED" && window.sdkCloses.length >= 2, null,
    { timeout: WAIT });
  const closes = await page.evaluate(() => window.sdkCloses);
  const banned = closes.find((c) => c.code === 4018);
  assert.match(banned.reason, new RegExp(` retry-after=${BAN_SECONDS}$`));
  assert.equal(banned.again, true);
  assert.equal(await page.evaluate(() => window.sdkSockets), 3, `first, refused, admitted: ${JSON.stringify(closes)}`);
  assert.equal(await control("GET", "/refusals"), "2", "one refused attempt of the SDK's during the ban");
});

test("no exception reached the page", () => {
  assert.deepEqual(pageErrors, []);
});
