// The chat page in a real browser: Debian's Chromium, headless, driven by playwright-core.
// Two pages join the same room; a message typed in one appears in both.
import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { startServer } from "./helpers.mjs";

let server;
let browser;
before(async () => {
  server = await startServer("chat");
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
    timeout: 30000,
  });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

it("two browser pages of the chat example exchange a message", async () => {
  const pages = await Promise.all([browser.newPage(), browser.newPage()]);
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
});
