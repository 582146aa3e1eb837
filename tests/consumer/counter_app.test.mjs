// Drives the consumer app (COUNTER_APP) with the stock phoenix client: ticks published
// by the app's own actor through pubsub arrive, and "reset" is answered by that actor
// through the socket handle the channel sent it.
import { it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { Socket } from "phoenix";
import WebSocket from "ws";

it("the counter app serves ticks from its actor and answers reset through a socket handle", async () => {
  const app = spawn(process.env.COUNTER_APP, ["--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  app.stderr.on("data", (d) => { stderr += d; });
  try {
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no listening line: " + stderr)), 10000);
      app.stdout.on("data", (d) => {
        const m = String(d).match(/listening on [\d.]+:(\d+)/);
        if (m) { clearTimeout(timer); resolve(Number(m[1])); }
      });
    });
    const socket = new Socket(`ws://127.0.0.1:${port}/socket`, { transport: WebSocket, timeout: 2000 });
    socket.connect();
    const channel = socket.channel("counter:main", {});
    const ticks = [];
    channel.on("tick", (p) => ticks.push(p.count));
    await new Promise((resolve, reject) => channel.join().receive("ok", resolve).receive("error", reject).receive("timeout", reject));
    const deadline = Date.now() + 5000;
    while (ticks.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(ticks.length >= 3, `ticks: ${ticks}`);
    for (let i = 1; i < ticks.length; i++) assert.equal(ticks[i], ticks[i - 1] + 1);
    const reply = await new Promise((resolve, reject) =>
      channel.push("reset", {}).receive("ok", resolve).receive("error", reject).receive("timeout", () => reject(new Error("no reply"))));
    assert.ok(reply.was >= ticks.at(-1), `reset answered ${JSON.stringify(reply)} after ${ticks}`);
    // Counting starts again from zero (a tick sent just before the reset may still
    // arrive after the reply: it travels through the topic, the reply does not).
    ticks.length = 0;
    while (!ticks.includes(1) && Date.now() < deadline + 2000) await new Promise((r) => setTimeout(r, 50));
    assert.ok(ticks.includes(1), `ticks after reset: ${ticks}`);
    socket.disconnect();
  } finally {
    app.kill("SIGTERM");
    const [code] = await once(app, "close");
    assert.equal(code, 0, stderr);
  }
});
