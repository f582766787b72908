// The live-comments demo page in a real Chromium (Debian's, headless, driven by playwright-core) against a real
// standalone server, which server's DemoBrowserIT starts and passes as:
//   JGOIM_DEMO_URL     the page (http://127.0.0.1:<port>/demo/)
//   JGOIM_CHROMIUM     the browser binary (default: chromium on the PATH)
//   JGOIM_CONTROL      the IT's control endpoint: POST /restart closes the server and starts it again, same ports
//   JGOIM_SCREENSHOTS  where the screenshots go (server/target/demo-screenshots)
// The tests run in order and share the pages (two viewers, then a late joiner, a restart, a bad token).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { chromium } from "playwright-core";

const DEMO = process.env.JGOIM_DEMO_URL;
const CONTROL = process.env.JGOIM_CONTROL;
const SHOTS = process.env.JGOIM_SCREENSHOTS ?? "screenshots";
const ROOM = `live://demo-e2e-${process.pid}`;
const WAIT = 60_000; // generous: the machine is shared; every wait is for an event, none asserts a duration

let browser;
const pageErrors = [];
const pages = {};

function executable() {
  const name = process.env.JGOIM_CHROMIUM ?? "chromium";
  if (name.includes("/")) {
    return name;
  }
  return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
}

before(async () => {
  assert.ok(DEMO && CONTROL, "set JGOIM_DEMO_URL and JGOIM_CONTROL (server's DemoBrowserIT does)");
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: executable(),
    headless: true,
    // Root in a container has no user namespaces for Chromium's sandbox; the page is our own.
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
});

after(async () => {
  // Every page as it ended (a failed wait leaves no step screenshot): its state, close reason and counters.
  for (const [name, page] of Object.entries(pages)) {
    if (page.isClosed()) {
      continue;
    }
    try {
      const status = await page.evaluate(() => ["state", "close-reason", "reconnects", "node", "online"]
        .map((id) => `${id}=${document.getElementById(id)?.textContent}`).join(" "));
      console.log(`[${name} at the end] ${status}`);
      await page.screenshot({ path: join(SHOTS, `end-${name}.png`), fullPage: true });
    } catch (e) {
      console.log(`[${name} at the end] unreadable: ${e.message}`);
    }
  }
  await browser?.close();
});

/** A viewer in its own browser context (its own storage: as another person), joined by the page's form. */
async function viewer(name, mid, { query = "", join: doJoin = true } = {}) {
  const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
  const page = await context.newPage();
  page.sockets = 0;
  page.on("pageerror", (e) => pageErrors.push(`${name}: ${e.message}`));
  page.on("websocket", () => page.sockets++);
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") {
      console.log(`[${name} console] ${m.text()}`);
    }
  });
  await page.goto(`${DEMO}?room=${encodeURIComponent(ROOM)}&nick=${name}&mid=${mid}${query}`);
  // The page's module awaits the SDK and then fills the form from the URL: typing before that races with it
  // (a nickname "bobbob" once). It marks itself ready when done.
  await page.waitForSelector('html[data-ready="true"]', { timeout: WAIT });
  if (doJoin) {
    await page.fill("#nick", name);
    await page.click("#join-button");
    await connected(page);
  }
  pages[name] = page;
  return page;
}

const connected = (page) => page.waitForSelector('#state[data-state="CONNECTED"]', { timeout: WAIT });

async function post(page, text) {
  await page.fill("#content", text);
  await page.click("#send");
  await page.waitForFunction(() => document.querySelector("#post-result").textContent.startsWith("sent"), null,
    { timeout: WAIT });
}

/** Waits until {@code page} shows a comment with this text; returns its element's class (live or recent). */
async function shows(page, text) {
  const handle = await page.waitForFunction(
    (t) => [...document.querySelectorAll("#comments li")].find((li) => li.querySelector(".text").textContent === t),
    text, { timeout: WAIT });
  return handle.evaluate((li) => li.className);
}

const texts = (page) => page.$$eval("#comments li .text", (els) => els.map((e) => e.textContent));
const shot = (page, name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

test("two viewers in one room: each one's comment appears in the other page, and the online count shows 2", async () => {
  const ann = await viewer("ann", 11);
  const bob = await viewer("bob", 12);
  await post(ann, "hello from ann");
  assert.equal(await shows(bob, "hello from ann"), "live");
  await shows(ann, "hello from ann"); // the poster sees it come back as everyone does
  await post(bob, "hi ann, bob here");
  assert.equal(await shows(ann, "hi ann, bob here"), "live");
  const authors = await ann.$$eval("#comments li .who", (els) => els.map((e) => e.textContent));
  assert.deepEqual(authors, ["ann", "bob"]);
  for (const p of [ann, bob]) {
    // The count rides on heartbeat replies (every 3 s); the comet reports the room's sessions within ~4 s.
    await p.waitForFunction(() => document.querySelector("#online").textContent === "2", null, { timeout: WAIT });
  }
  await shot(ann, "1-ann-chatting");
  await shot(bob, "2-bob-chatting");
});

test("a late joiner sees the room's recent comments from its history, in order, then live ones", async () => {
  const carol = await viewer("carol", 13);
  assert.equal(await shows(carol, "hello from ann"), "recent");
  assert.equal(await shows(carol, "hi ann, bob here"), "recent");
  assert.deepEqual(await texts(carol), ["hello from ann", "hi ann, bob here"]);
  await post(pages.ann, "welcome carol");
  assert.equal(await shows(carol, "welcome carol"), "live");
  await shows(pages.bob, "welcome carol");
  await shot(carol, "3-carol-late-joiner");
  await carol.context().close();
});

test("the server restarts on the same ports: both pages reconnect by themselves and keep chatting", async () => {
  const { ann, bob } = pages;
  const r = await fetch(`${CONTROL}/restart`, { method: "POST" });
  assert.equal(r.status, 200, await r.text());
  for (const p of [ann, bob]) {
    await p.waitForFunction(() => Number(document.querySelector("#reconnects").textContent) >= 1, null,
      { timeout: WAIT });
    await connected(p);
  }
  await post(bob, "still here after the restart");
  assert.equal(await shows(ann, "still here after the restart"), "live");
  await post(ann, "me too");
  assert.equal(await shows(bob, "me too"), "live");
  // Nothing shown before the restart was lost from the pages, and nothing came twice.
  assert.deepEqual(await texts(bob),
    ["hello from ann", "hi ann, bob here", "welcome carol", "still here after the restart", "me too"]);
  await shot(ann, "4-ann-after-restart");
});

test("a bad token ends in a terminal close: the reason is shown and the page does not try again", async () => {
  const eve = await viewer("eve", 14, { query: "&token=not-a-goim-token&join=1", join: false });
  await eve.waitForSelector('#state[data-state="CLOSED"]', { timeout: WAIT });
  const reason = await eve.waitForSelector('#close-reason[data-terminal="true"]', { timeout: WAIT });
  const text = await reason.textContent();
  assert.match(text, /AUTH_FAILED 4501/);
  assert.match(text, /not reconnecting/);
  // Well past the page's longest backoff (4 s): still one WebSocket, still closed.
  await eve.waitForTimeout(6000);
  assert.equal(eve.sockets, 1);
  assert.equal(await eve.$eval("#state", (e) => e.dataset.state), "CLOSED");
  assert.equal(await eve.$eval("#send", (e) => e.disabled), true);
  await shot(eve, "5-eve-bad-token");
});

test("no exception reached any page", () => {
  assert.deepEqual(pageErrors, []);
});
