// A reader that stops reading while tens of thousands of broadcasts flow: it is cut off
// (close 1013 queued, TCP reset after the deadline), every other subscriber gets every
// message in order, and no connection's queue ever exceeds the cap. Then a drain:
// SIGTERM with 1000 clients connected closes them all with 1012 and exits promptly.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { RawClient, getJson, selfSignedCert, sleep, stalledReader, startServer, within } from "./helpers.mjs";

describe("slow consumers", () => {
  for (const [policy, secure] of [["close", false], ["drop", false], ["close", true]]) {
  it(`${policy} policy${secure ? " over TLS" : ""}: a stalled reader ${policy === "close" ? "is cut off" : "loses frames, counted"} while everyone else receives every message in order`, async () => {
    const cap = 256 * 1024;
    // over TLS the queue also counts the record batch in flight (corking_stream::queued_bytes)
    const tls = secure ? selfSignedCert() : null;
    const tlsArgs = tls ? ["--tls-cert", tls.certPath, "--tls-key", tls.keyPath] : [];
    const ca = tls?.cert;
    const server = await startServer("conformance", ["--max-outbound-bytes", String(cap), "--close-timeout-ms", "500", "--slow-consumer", policy, ...tlsArgs]);
    try {
      const topic = "room:firehose";
      const healthy = await Promise.all([0, 1, 2].map(() => RawClient.open(`${server.url}/websocket?vsn=2.0.0`, { ca })));
      for (const c of healthy) { c.send(["1", "1", topic, "phx_join", {}]); await c.take(1); }
      const stalled = await stalledReader(server.port, topic, { ca });

      const total = secure ? 20000 : 40000;
      const pad = "p".repeat(300);
      const counts = healthy.map(() => 0);
      const inOrder = healthy.map(() => true);
      const done = healthy.map((c, i) => new Promise((resolve) => {
        c.ws.removeAllListeners("message");
        c.ws.on("message", (data) => {
          const m = JSON.parse(data.toString());
          if (m[3] !== "shout") return;
          if (m[4].n !== counts[i]) inOrder[i] = false;
          if (++counts[i] === total) resolve();
        });
      }));
      // The first healthy client publishes in bursts, keeping at most 300 messages
      // (~110 KB, under the cap) ahead of the slowest healthy reader: this test's one node
      // process reads all three, so only the stalled reader may fall behind.
      for (let n = 0; n < total; n++) {
        healthy[0].ws.send(JSON.stringify(["1", String(n + 2), topic, "shout", { n, pad }]));
        if (n % 100 === 99) {
          for (let w = 0; w < 2000 && Math.min(...counts) < n - 300; w++) await sleep(1);
          if (healthy.some((c) => c.ws.readyState !== 1)) break;  // fail fast below
        }
      }
      await within(Promise.all(done), 60000);
      assert.deepEqual(counts, [total, total, total], "every healthy subscriber got every message");
      assert.deepEqual(inOrder, [true, true, true], "in publish order");
      // (a reader that is not reading cannot see the close: check the server's side)
      let stats = await getJson(`${server.http}/stats`, { ca });
      for (let i = 0; i < 40 && policy === "close" && stats.net.websockets > 3; i++) {
        await sleep(50);
        stats = await getJson(`${server.http}/stats`, { ca });
      }
      if (policy === "close") {
        assert.equal(stats.net.websockets, 3, "the stalled reader's connection was ended");
        assert.ok(stats.net.slow_consumers >= 1);
      } else {
        assert.equal(stats.net.websockets, 4, "the stalled reader stays connected");
        assert.ok(stats.net.dropped_frames > 0, "and its frames were dropped and counted");
        assert.ok(stats.net.queued_bytes > cap / 2, `its full queue is counted live (${stats.net.queued_bytes} bytes)`);
      }
      stalled.destroy();
      assert.ok(stats.net.queued_bytes_peak <= cap, `queued ${stats.net.queued_bytes_peak} > cap ${cap}`);
      assert.ok(stats.net.queued_bytes_peak > cap / 2, "the cap was actually approached");
      console.log(`${policy}${secure ? " (TLS)" : ""}: queued_bytes_peak ${stats.net.queued_bytes_peak} of cap ${cap}, dropped ${stats.net.dropped_frames}`);
      healthy.forEach((c) => c.close());
      for (let i = 0; i < 60 && (stats.net.websockets > 0 || stats.net.queued_bytes > 0); i++) {
        await sleep(50);
        stats = await getJson(`${server.http}/stats`, { ca });
      }
      assert.deepEqual([stats.net.websockets, stats.net.queued_bytes], [0, 0], "every queue is gone with its connection");
    } finally {
      await server.stop();
      if (tls) rmSync(tls.dir, { recursive: true, force: true });
    }
  });
  }
});

describe("graceful drain", () => {
  it("SIGTERM with 1000 clients closes every one with 1012, in batches, and exits promptly", async () => {
    // 100 per 50 ms: ten batches, so the closes must spread over at least ~450 ms
    const server = await startServer("chat", ["--max-subscribers", "2000", "--drain-batch", "100", "--drain-interval-ms", "50"]);
    const clients = [];
    for (let i = 0; i < 1000; i += 100) {
      clients.push(...await Promise.all(Array.from({ length: 100 }, () => RawClient.open(`${server.url}/websocket?vsn=2.0.0`))));
    }
    for (const c of clients) c.send(["1", "1", "room:drain", "phx_join", {}]);
    await Promise.all(clients.map((c) => c.take(1, 10000)));
    await sleep(1000);  // the chat room tracks presence: let the arrivals' diffs go out first
    const closedAt = clients.map(() => null);
    clients.forEach((c, i) => c.closed.then(() => { closedAt[i] = Date.now(); }));
    const t0 = Date.now();
    const code = await server.stop("SIGTERM");
    const elapsed = Date.now() - t0;
    const closes = await Promise.all(clients.map((c) => within(c.closed, 5000)));
    assert.equal(code, 0);
    assert.ok(elapsed < 5000, `exit took ${elapsed} ms`);
    assert.equal(closes.filter((c) => c && c.code === 1012).length, 1000);
    const times = closedAt.filter((t) => t !== null).sort((a, b) => a - b);
    const span = times[times.length - 1] - times[0];
    const firstBurst = times.filter((t) => t - times[0] < 25).length;
    console.log(`drain: exit after ${elapsed} ms, closes spread over ${span} ms, ${firstBurst} in the first 25 ms`);
    assert.ok(span >= 350, `closes spread over only ${span} ms`);
    assert.ok(firstBurst <= 300, `${firstBurst} closes arrived in the first 25 ms`);
  });
});
