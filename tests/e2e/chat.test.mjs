// The chat example over the network with the stock phoenix client: the seed's room,
// scale (200 concurrent joins), order (1000 broadcasts), reconnect with rejoin, shutdown.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { RawClient, outcome, phxSocket, sleep, startServer, within } from "./helpers.mjs";

let server;
before(async () => { server = await startServer("chat", ["--max-subscribers", "1024", "--max-topics", "1024"]); });
after(async () => { await server.stop(); });

describe("chat example", () => {
  it("new_msg is broadcast to every subscriber including the sender", async () => {
    const [a, b] = await Promise.all([phxSocket(server.url), phxSocket(server.url)]);
    const ca = a.channel("room:lobby", {});
    const cb = b.channel("room:lobby", {});
    assert.equal((await outcome(ca.join()))[0], "ok");
    assert.equal((await outcome(cb.join()))[0], "ok");
    const gotA = new Promise((r) => ca.on("new_msg", r));
    const gotB = new Promise((r) => cb.on("new_msg", r));
    ca.push("new_msg", { body: "hello" });
    assert.deepEqual(await gotA, { body: "hello" });
    assert.deepEqual(await gotB, { body: "hello" });
    a.disconnect(); b.disconnect();
  });

  it("ping is replied ok with its payload, JSON or binary", async () => {
    const s = await phxSocket(server.url);
    const ch = s.channel("room:ping", {});
    await outcome(ch.join());
    assert.deepEqual(await outcome(ch.push("ping", { n: 1 })), ["ok", { n: 1 }]);
    const [status, bytes] = await outcome(ch.push("ping", new Uint8Array([9, 8, 7]).buffer));
    assert.equal(status, "ok");
    assert.deepEqual([...new Uint8Array(bytes)], [9, 8, 7]);
    s.disconnect();
  });

  it("a V1 client (no vsn) chats with V2 clients", async () => {
    const v1 = await RawClient.open(`${server.url}/websocket`);
    const v2 = await phxSocket(server.url);
    const ch = v2.channel("room:mixed", {});
    await outcome(ch.join());
    v1.send({ topic: "room:mixed", event: "phx_join", payload: {}, ref: "1", join_ref: "1" });
    await v1.take(1);
    ch.push("new_msg", { body: "from v2" });
    assert.deepEqual(await v1.take(1), ['{"event":"new_msg","payload":{"body":"from v2"},"ref":null,"topic":"room:mixed"}']);
    v1.close(); v2.disconnect();
  });

  it("200 clients join one room concurrently and all receive a broadcast", async () => {
    const sockets = await Promise.all(Array.from({ length: 200 }, () => phxSocket(server.url)));
    const channels = sockets.map((s) => s.channel("room:crowd", {}));
    const results = await Promise.all(channels.map((c) => outcome(c.join())));
    assert.equal(results.filter(([st]) => st === "ok").length, 200);
    const received = channels.map((c) => new Promise((r) => c.on("new_msg", r)));
    channels[0].push("new_msg", { body: "to all" });
    const got = await within(Promise.all(received), 5000);
    assert.ok(got, "every client received the broadcast");
    assert.ok(got.every((m) => m.body === "to all"));
    sockets.forEach((s) => s.disconnect());
  });

  it("1000 broadcasts from one publisher arrive complete and in order at every subscriber", async () => {
    const subs = await Promise.all(Array.from({ length: 5 }, () => phxSocket(server.url)));
    const chans = subs.map((s) => s.channel("room:order", {}));
    await Promise.all(chans.map((c) => outcome(c.join())));
    const seen = chans.map(() => []);
    const done = chans.map((c, i) => new Promise((resolve) => c.on("new_msg", (m) => {
      seen[i].push(m.n);
      if (seen[i].length === 1000) resolve();
    })));
    for (let n = 0; n < 1000; n++) chans[0].push("new_msg", { n });
    await within(Promise.all(done), 10000);
    const expected = Array.from({ length: 1000 }, (_, n) => n);
    for (const s of seen) assert.deepEqual(s, expected);
    subs.forEach((s) => s.disconnect());
  });

  it("with --socket-actors workers (no socket actor on the io threads) replies and order are the same", async () => {
    const own = await startServer("chat", ["--socket-actors", "workers"]);
    try {
      const [a, b] = await Promise.all([phxSocket(own.url), phxSocket(own.url)]);
      const [ca, cb] = [a.channel("room:w", {}), b.channel("room:w", {})];
      assert.equal((await outcome(ca.join()))[0], "ok");
      assert.equal((await outcome(cb.join()))[0], "ok");
      assert.deepEqual(await outcome(ca.push("ping", { n: 7 })), ["ok", { n: 7 }]);
      const seen = [];
      const done = new Promise((resolve) => cb.on("new_msg", (m) => { seen.push(m.n); if (seen.length === 500) resolve(); }));
      for (let n = 0; n < 500; n++) ca.push("new_msg", { n });
      await within(done, 10000);
      assert.deepEqual(seen, Array.from({ length: 500 }, (_, n) => n));
      a.disconnect(); b.disconnect();
    } finally {
      await own.stop();
    }
  });

  it("after a server restart, phoenix.js reconnects and rejoins by itself", async () => {
    const own = await startServer("chat");
    const s = await phxSocket(own.url, { reconnectAfterMs: () => 100, rejoinAfterMs: () => 100 });
    const ch = s.channel("room:restart", {});
    let joins = 0;
    ch.join().receive("ok", () => joins++);
    await sleep(100);
    const closeCodes = [];
    s.onClose((e) => closeCodes.push(e.code));
    assert.equal(await own.stop("SIGTERM"), 0);
    assert.equal(closeCodes[0], 1012);  // drain: "service restart", so clients come back
    const restarted = await startServerOnPort(own.port);  // same port, new process
    try {
      const rejoined = new Promise((resolve) => ch.on("new_msg", resolve));
      for (let i = 0; i < 50 && joins < 2; i++) await sleep(100);
      assert.equal(joins, 2);
      ch.push("new_msg", { back: true });
      assert.deepEqual(await within(rejoined, 3000), { back: true });
    } finally {
      s.disconnect();
      await restarted.stop();
    }
  });

  it("serves the page, the stock phoenix.js and /stats", async () => {
    const page = await fetch(`${server.http}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /vendor\/phoenix\.js/);
    const js = await fetch(`${server.http}/vendor/phoenix.js`);
    assert.equal(js.status, 200);
    assert.match(await js.text(), /Phoenix/);
    const stats = await (await fetch(`${server.http}/stats`)).json();
    assert.ok(stats.connections_total > 200);
    assert.ok(stats.frames_out > 5000);
    assert.equal(typeof stats.errors.unmatched_topic, "number");
    assert.equal((await fetch(`${server.http}/../etc/passwd`)).status, 404);
  });
});

async function startServerOnPort(port) {
  // startServer passes --port 0 first; this later --port wins. Retry while the port frees.
  for (let i = 0; i < 20; i++) {
    try {
      return await startServer("chat", ["--port", String(port)]);
    } catch {
      await sleep(100);
    }
  }
  throw new Error("could not restart on port " + port);
}
