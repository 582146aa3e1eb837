// TLS (wss:// and https://) with a self-signed certificate made for this test: the stock
// phoenix client over wss, ordered broadcasts and a reply spanning many TLS records, close
// codes that survive the TLS teardown, plain-text clients refused without disturbing
// anyone, and a drain that closes wss clients with 1012.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import net from "node:net";
import WebSocket from "ws";
import { RawClient, getJson, getText, outcome, phxSocket, selfSignedCert, startServer, within } from "./helpers.mjs";

const tls = selfSignedCert();
const tlsArgs = ["--tls-cert", tls.certPath, "--tls-key", tls.keyPath];
const ca = tls.cert;

/** ws with our certificate trusted, for phoenix.js (which calls `new transport(url, protocols)`). */
class TrustingWebSocket extends WebSocket {
  constructor(url, protocols) { super(url, protocols, { ca }); }
}

describe("TLS", () => {
  let server;
  before(async () => { server = await startServer("chat", tlsArgs); });
  after(async () => {
    await server.stop();
    rmSync(tls.dir, { recursive: true, force: true });
  });

  it("serves https: the page and /stats", async () => {
    assert.match(server.url, /^wss:/);
    const stats = await getJson(`${server.http}/stats`, { ca });
    assert.equal(typeof stats.net.tls_failures, "number");
    assert.match(await getText(`${server.http}/`, { ca }), /<html/i);
    assert.match(await getText(`${server.http}/vendor/phoenix.js`, { ca }), /Socket/);
  });

  it("the stock phoenix client joins and exchanges broadcasts over wss", async () => {
    const a = await phxSocket(server.url, { transport: TrustingWebSocket });
    const b = await phxSocket(server.url, { transport: TrustingWebSocket });
    try {
      const ca1 = a.channel("room:tls");
      const cb = b.channel("room:tls");
      assert.equal((await outcome(ca1.join()))[0], "ok");
      assert.equal((await outcome(cb.join()))[0], "ok");
      const got = new Promise((resolve) => cb.on("new_msg", resolve));
      ca1.push("new_msg", { body: "over tls" });
      assert.deepEqual(await within(got, 3000), { body: "over tls" });
      assert.deepEqual(await outcome(cb.push("ping", { n: 1 })), ["ok", { n: 1 }]);
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });

  it("3000 broadcasts reach three wss subscribers in order, and a 300 KB reply crosses many records", async () => {
    const subs = await Promise.all([0, 1, 2].map(() => RawClient.open(`${server.url}/websocket?vsn=2.0.0`, { ca })));
    try {
      for (const c of subs) { c.send(["1", "1", "room:order", "phx_join", {}]); await c.take(1); }
      const total = 3000;
      for (let n = 0; n < total; n++) subs[0].send([null, String(n + 2), "room:order", "new_msg", { n }]);
      for (const c of subs) {
        const seen = [];
        // bounded by time, not by reads: frames may arrive in many small batches
        for (const deadline = Date.now() + 10000; seen.length < total && Date.now() < deadline;) {
          seen.push(...(await c.take(1, 5000)).map((f) => JSON.parse(f)).filter((m) => m[3] === "new_msg").map((m) => m[4].n));
        }
        assert.equal(seen.length, total);
        assert.ok(seen.every((n, i) => n === i), "in publish order");
      }
      const big = "x".repeat(300 * 1024);
      subs[1].send(["1", "9", "room:order", "ping", { big }]);
      const [reply] = (await subs[1].take(1, 5000)).map((f) => JSON.parse(f));
      assert.equal(reply[4].status, "ok");
      assert.equal(reply[4].response.big, big);
    } finally {
      subs.forEach((c) => c.close());
    }
  });

  it("a wss reader that pauses while 20 MB are broadcast gets every message in order after it resumes", async () => {
    // A big outbound cap, so the server queues instead of cutting: the kernel's buffers
    // fill, OpenSSL reports want_write, and the unsent record is retried later.
    const roomy = await startServer("chat", [...tlsArgs, "--max-outbound-bytes", String(64 << 20)]);
    try {
      const [sender, reader] = await Promise.all([0, 1].map(() => RawClient.open(`${roomy.url}/websocket?vsn=2.0.0`, { ca })));
      for (const c of [sender, reader]) { c.send(["1", "1", "room:burst", "phx_join", {}]); await c.take(1); }
      const total = 2000;
      let next = 0;
      let ordered = true;
      const done = new Promise((resolve) => {
        reader.ws.removeAllListeners("message");
        reader.ws.on("message", (data) => {
          const m = JSON.parse(data.toString());
          if (m[3] !== "new_msg") return;
          if (m[4].n !== next) ordered = false;
          if (++next === total) resolve(true);
        });
      });
      reader.ws._socket.pause();
      const pad = "p".repeat(10 * 1024);
      for (let n = 0; n < total; n++) sender.send([null, null, "room:burst", "new_msg", { n, pad }]);
      await new Promise((r) => setTimeout(r, 1500));
      const paused = (await getJson(`${roomy.http}/stats`, { ca })).net;
      reader.ws._socket.resume();
      assert.equal(await within(done, 20000, () => false), true, `got ${next} of ${total}`);
      assert.ok(ordered, "in publish order");
      assert.ok(paused.queued_bytes_peak > 1 << 20, `the server had to queue (peak ${paused.queued_bytes_peak} bytes)`);
      assert.ok(paused.queued_bytes > 1 << 20, `and counted it live (${paused.queued_bytes} bytes)`);
      let now = (await getJson(`${roomy.http}/stats`, { ca })).net;
      for (let i = 0; i < 40 && now.queued_bytes !== 0; i++) now = (await getJson(`${roomy.http}/stats`, { ca })).net;
      assert.equal(now.queued_bytes, 0, "all sent");
      sender.close();
      reader.close();
    } finally {
      await roomy.stop();
    }
  });

  it("close codes survive the TLS teardown: 1007 for bad input, 1000 echoed for a client close", async () => {
    const bad = await RawClient.open(`${server.url}/websocket?vsn=2.0.0`, { ca });
    bad.send("not json");
    const closed = await within(bad.closed, 3000);
    assert.equal(closed?.code, 1007, "the close frame arrived (not 1006)");
    const polite = await RawClient.open(`${server.url}/websocket?vsn=2.0.0`, { ca });
    polite.ws.close(1000, "bye");
    assert.equal((await within(polite.closed, 3000))?.code, 1000);
  });

  it("a plain-text client on the TLS port is refused, logged and counted; wss clients carry on", async () => {
    const bystander = await RawClient.open(`${server.url}/websocket?vsn=2.0.0`, { ca });
    bystander.send(["1", "1", "room:by", "phx_join", {}]);
    await bystander.take(1);
    const before = (await getJson(`${server.http}/stats`, { ca })).net.tls_failures;
    const plain = net.connect(server.port, "127.0.0.1");
    plain.on("error", () => {});
    plain.write("GET /socket/websocket?vsn=2.0.0 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n" +
                "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    let received = "";
    plain.on("data", (d) => { received += d.toString("latin1"); });
    const ended = await within(new Promise((resolve) => plain.on("close", () => resolve(true))), 3000, () => false);
    assert.ok(ended, "the server closed the plain-text connection");
    assert.ok(!received.includes("HTTP/1.1 101"), "no upgrade without TLS");
    const stats = await getJson(`${server.http}/stats`, { ca });
    assert.equal(stats.net.tls_failures, before + 1);
    assert.match(server.stderr(), /TLS handshake failed/);
    const t0 = Date.now();
    bystander.send(["1", "2", "room:by", "ping", { still: "here" }]);
    const [reply] = (await bystander.take(1)).map((f) => JSON.parse(f));
    assert.deepEqual(reply[4], { status: "ok", response: { still: "here" } });
    assert.ok(Date.now() - t0 < 1000);
    bystander.close();
  });

  it("a TLS client that never finishes its handshake is cut at the handshake timeout", async () => {
    const quick = await startServer("chat", [...tlsArgs, "--handshake-timeout-ms", "300"]);
    try {
      const s = net.connect(quick.port, "127.0.0.1");
      s.on("error", () => {});
      s.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x40]));  // a TLS record header, then nothing
      const ended = await within(new Promise((resolve) => s.on("close", () => resolve(true))), 3000, () => false);
      assert.ok(ended);
      assert.match(quick.stderr(), /handshake timeout/);
    } finally {
      await quick.stop();
    }
  });

  it("SIGTERM closes 300 wss clients with 1012", async () => {
    const draining = await startServer("chat", [...tlsArgs, "--drain-batch", "50", "--drain-interval-ms", "20"]);
    const clients = [];
    for (let i = 0; i < 300; i += 50) {
      clients.push(...await Promise.all(Array.from({ length: 50 }, () => RawClient.open(`${draining.url}/websocket?vsn=2.0.0`, { ca }))));
    }
    for (const c of clients) c.send(["1", "1", "room:drain", "phx_join", {}]);
    await Promise.all(clients.map((c) => c.take(1, 10000)));
    assert.equal(await draining.stop("SIGTERM"), 0);
    const closes = await Promise.all(clients.map((c) => within(c.closed, 5000)));
    assert.equal(closes.filter((c) => c?.code === 1012).length, 300);
  });

  it("refuses to start with a key that does not match the certificate, saying so", async () => {
    const other = selfSignedCert();
    try {
      await assert.rejects(startServer("chat", ["--tls-cert", tls.certPath, "--tls-key", other.keyPath]),
                           /TLS private key .*key values mismatch/);
      await assert.rejects(startServer("chat", ["--tls-cert", tls.certPath]), /both a certificate file and a private key/);
      await assert.rejects(startServer("chat", ["--tls-cert", "/nonexistent.pem", "--tls-key", tls.keyPath]),
                           /TLS certificate \/nonexistent\.pem/);
    } finally {
      rmSync(other.dir, { recursive: true, force: true });
    }
  });
});
