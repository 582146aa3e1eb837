// The chat page in a real browser: Debian's Chromium, headless, driven by playwright-core.
// Two pages join the same room; a message typed in one appears in both — over http/ws,
// and over https/wss with a self-signed certificate (the page's phoenix.js picks wss
// itself from the page's scheme). Who is online (phoenix.js Presence): both pages list
// both users; when one page goes, the other's list drops it.
// The admin page (admin.html) shows what /metrics says while phoenix.js clients talk.
import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { chromium } from "playwright-core";
import { outcome, phxSocket, selfSignedCert, startServer } from "./helpers.mjs";

let browser;
const tls = selfSignedCert();
before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
    timeout: 30000,
  });
});
after(async () => {
  await browser?.close();
  rmSync(tls.dir, { recursive: true, force: true });
});

for (const secure of [false, true]) {
  it(`two browser pages of the chat example exchange a message${secure ? " over https/wss" : ""}`, async () => {
    const server = await startServer("chat", secure ? ["--tls-cert", tls.certPath, "--tls-key", tls.keyPath] : []);
    // the certificate is self-signed: this browser context accepts it, as a user would
    const context = await browser.newContext({ ignoreHTTPSErrors: secure });
    try {
      assert.ok(server.http.startsWith(secure ? "https:" : "http:"));
      const pages = await Promise.all([context.newPage(), context.newPage()]);
      for (const page of pages) {
        await page.goto(`${server.http}/`);
        await page.waitForSelector('body[data-joined="room:lobby"]', { timeout: 10000 });
      }
      await pages[0].fill("#name", "alice");
      await pages[0].fill("#body", "hello from a real browser");
      await pages[0].click("#send-button");
      for (const page of pages) {
        const line = page.locator("#messages li", { hasText: "hello from a real browser" });
        await line.waitFor({ timeout: 10000 });
        assert.equal(await line.locator("b").textContent(), "alice");
      }
      const stats = JSON.parse(await pages[0].evaluate(async () => (await fetch("/stats")).text()));
      assert.equal(stats.net.websockets, 2);
    } finally {
      await context.close();
      await server.stop();
    }
  });
}

it("the online list (phoenix.js Presence) follows pages coming and going", async () => {
  const server = await startServer("chat");
  const context = await browser.newContext();
  try {
    const pages = await Promise.all([context.newPage(), context.newPage()]);
    for (const page of pages) {
      await page.goto(`${server.http}/`);
      await page.waitForSelector('body[data-joined="room:lobby"]', { timeout: 10000 });
    }
    const names = await Promise.all(pages.map((p) => p.inputValue("#name")));
    const both = [...names].sort().join(",");
    for (const page of pages) {
      await page.waitForFunction((want) => document.body.dataset.online === want, both, { timeout: 10000 });
      assert.deepEqual((await page.locator("#online li").allTextContents()).sort(), [...names].sort());
    }
    await pages[1].close();
    await pages[0].waitForFunction((want) => document.body.dataset.online === want, names[0], { timeout: 10000 });
    assert.deepEqual(await pages[0].locator("#online li").allTextContents(), [names[0]]);
  } finally {
    await context.close();
    await server.stop();
  }
});

it("the admin page shows live connections, topics, subscribers and rates from /metrics", async () => {
  const server = await startServer("chat");
  const context = await browser.newContext();
  const clients = [];
  try {
    const page = await context.newPage();
    await page.goto(`${server.http}/admin.html`);
    await page.waitForFunction(() => Number(document.body.dataset.updates) >= 1, null, { timeout: 10000 });
    assert.equal(await page.textContent("#connections"), "0");
    // three stock phoenix.js clients join one room and keep talking
    for (let i = 0; i < 3; i++) {
      const socket = await phxSocket(server.url);
      const ch = socket.channel("room:admin", {});
      assert.equal((await outcome(ch.join()))[0], "ok");
      clients.push({ socket, ch });
    }
    const talk = setInterval(() => clients[0].ch.push("new_msg", { body: "tick" }), 20);
    try {
      await page.waitForFunction(() =>
        document.getElementById("connections").textContent === "3" &&
        document.getElementById("topics").textContent === "1" &&
        document.getElementById("subscribers").textContent === "3" &&
        Number(document.getElementById("broadcasts-rate").textContent) > 0 &&
        Number(document.getElementById("frames-out-rate").textContent) >= Number(document.getElementById("broadcasts-rate").textContent),
        null, { timeout: 10000 });
    } finally {
      clearInterval(talk);
    }
    const totals = await page.locator("#totals th").allTextContents();
    assert.ok(totals.includes("joins (result=ok)"), totals.join(" | "));
    assert.ok(totals.includes("broadcasts"), totals.join(" | "));
  } finally {
    for (const { socket } of clients) socket.disconnect();
    await context.close();
    await server.stop();
  }
});
