// README's bad-input table, row by row, over real sockets: what the client gets, the
// counter that moves, and a bystander connection that is still served afterwards.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import WebSocket from "ws";
import { RawClient, sleep, startServer, upgradeStatus } from "./helpers.mjs";

let server;
let bystander;
const CAP = 65536;

before(async () => {
  server = await startServer("conformance", ["--max-frame-bytes", String(CAP), "--max-connections", "40", "--max-topics", "1024"]);
  bystander = await RawClient.open(v2());
  bystander.send(["1", "1", "room:bystander", "phx_join", {}]);
  await bystander.take(1);
});
after(async () => { bystander?.close(); await server.stop(); });

function v2() { return `${server.url}/websocket?vsn=2.0.0`; }
let ref = 10;
async function bystanderServed() {
  const r = String(++ref);
  bystander.send(["1", r, "room:bystander", "echo", { r }]);
  assert.deepEqual(await bystander.take(1, 2000), [`["1","${r}","room:bystander","phx_reply",{"response":{"r":"${r}"},"status":"ok"}]`]);
}
async function stats() { return (await fetch(`${server.http}/stats`)).json(); }
async function joined(url = v2()) {
  const c = await RawClient.open(url);
  c.send(["1", "1", "room:bad", "phx_join", {}]);
  await c.take(1);
  return c;
}
/** Sends raw bytes as an HTTP request and returns the status line. */
function rawHttp(bytes) {
  return new Promise((resolve) => {
    const s = net.connect(server.port, "127.0.0.1", () => s.write(bytes));
    let data = "";
    s.on("data", (d) => { data += d; });
    s.on("close", () => resolve(data.split("\r\n")[0]));
    s.on("error", () => resolve(data.split("\r\n")[0]));
    setTimeout(() => s.destroy(), 3000);
  });
}

describe("undecodable frames close with 1007 and a reason", () => {
  const rows = [
    ["invalid JSON", "{nope", "text frame is not valid JSON"],
    ["a V2 array of 4 elements", '["1","2","room:bad","x"]', "V2 message must have 5 elements"],
    ["a non-string topic", '["1","2",7,"x",{}]', "topic must be a string"],
    ["a JSON object on a V2 connection", '{"topic":"room:bad"}', "V2 message must be a JSON array"],
    // nlohmann/json stops at a NUL and would take this frame; chorus's reader refuses it
    ["a NUL byte after a complete message", '["1","2","room:bad","x",{}]\u0000junk', "text frame is not valid JSON"],
    ["a number past a double's range", '["1","2","room:bad","x",{"n":1e400}]', "text frame is not valid JSON"],
  ];
  for (const [name, frame, reason] of rows) {
    it(name, async () => {
      const before = (await stats()).errors.undecodable_frame;
      const c = await joined();
      c.send(frame);
      assert.deepEqual(await c.closed, { code: 1007, reason });
      assert.equal((await stats()).errors.undecodable_frame, before + 1);
      await bystanderServed();
    });
  }

  it("a V1 object missing a key", async () => {
    const c = await RawClient.open(`${server.url}/websocket`);
    c.send('{"topic":"room:bad","event":"x","payload":{}}');
    assert.deepEqual(await c.closed, { code: 1007, reason: 'V1 message is missing "ref"' });
    await bystanderServed();
  });

  it("binary frames with a truncated header or a field past the end", async () => {
    for (const [hex, reason] of [["0001", "binary frame header is truncated"],
                                 ["0001010602313272", "binary frame field runs past the end"],
                                 ["0201", "binary frame kind must be 0 (push), got 2"]]) {
      const c = await joined();
      c.sendBinary(Buffer.from(hex, "hex"));
      assert.deepEqual(await c.closed, { code: 1007, reason });
    }
    await bystanderServed();
  });

  it("a binary frame on a V1 connection closes with 1003", async () => {
    const c = await RawClient.open(`${server.url}/websocket`);
    c.sendBinary(Buffer.from("0000000101746578", "hex"));
    assert.equal((await c.closed).code, 1003);
    await bystanderServed();
  });

  it("non-UTF-8 text closes with 1007", async () => {
    const c = await joined();
    c.ws.send(Buffer.from([0x5b, 0xff, 0xfe, 0x5d]), { binary: false });
    assert.equal((await c.closed).code, 1007);
    await bystanderServed();
  });
});

describe("decodable messages with a bad field get an error reply and keep the connection", () => {
  it("a push payload that is not an object", async () => {
    const c = await joined();
    c.send(["1", "5", "room:bad", "echo", [1, 2]]);
    assert.deepEqual(await c.take(1), ['["1","5","room:bad","phx_reply",{"response":{"reason":"payload must be a JSON object"},"status":"error"}]']);
    c.send(["1", "6", "room:bad", "echo", {}]);
    assert.equal((await c.take(1)).length, 1);
    c.close();
    await bystanderServed();
  });
});

describe("size limits", () => {
  it("a frame over the cap closes with 1009", async () => {
    const c = await joined();
    c.send(JSON.stringify(["1", "7", "room:bad", "echo", { big: "x".repeat(CAP) }]));
    assert.equal((await c.closed).code, 1009);
    await bystanderServed();
  });

  it("a fragmented message whose total exceeds the cap closes with 1009", async () => {
    const c = await joined();
    const part = "x".repeat(CAP / 4);
    for (let i = 0; i < 6 && c.ws.readyState === WebSocket.OPEN; i++) c.ws.send(part, { fin: false });
    assert.equal((await c.closed).code, 1009);
    await bystanderServed();
  });

  it("a message just under the cap is handled", async () => {
    const c = await joined();
    const body = "y".repeat(CAP - 100);
    c.send(["1", "8", "room:bad", "echo", { body }]);
    const [reply] = await c.take(1);
    assert.equal(JSON.parse(reply)[4].response.body.length, body.length);
    c.close();
  });
});

describe("floods", () => {
  it("a ping flood is answered with pongs and harms nobody", async () => {
    const c = await joined();
    let pongs = 0;
    c.ws.on("pong", () => pongs++);
    for (let i = 0; i < 2000; i++) c.ws.ping();
    for (let i = 0; i < 50 && pongs < 2000; i++) await sleep(20);
    assert.equal(pongs, 2000);
    await bystanderServed();
    c.close();
  });

  it("a client pushing faster than it is served stops being read; others keep their latency", async () => {
    const before = (await stats()).net.paused_reads;
    const c = await joined();
    let replies = 0;
    c.ws.on("message", () => replies++);
    const frames = [];
    for (let i = 0; i < 5000; i++) frames.push(JSON.stringify(["1", String(100 + i), "room:bad", "echo", { i }]));
    for (const f of frames) c.ws.send(f);
    const t0 = Date.now();
    await bystanderServed();
    assert.ok(Date.now() - t0 < 1000, "bystander answered within a second");
    for (let i = 0; i < 200 && replies < 5000; i++) await sleep(25);
    assert.equal(replies, 5000, "every flooded message is still answered, in the end");
    assert.ok((await stats()).net.paused_reads > before, "the flooding connection was paused at least once");
    c.close();
  });
});

describe("the HTTP upgrade", () => {
  it("junk instead of HTTP gets 400", async () => {
    assert.match(await rawHttp("\x16\x03\x01 junk junk\r\n\r\n"), /^HTTP\/1\.1 400/);
    await bystanderServed();
  });

  it("an oversized request header gets 431", async () => {
    assert.match(await rawHttp(`GET /socket/websocket HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(16000)}\r\n\r\n`), /^HTTP\/1\.1 431/);
    await bystanderServed();
  });

  it("an unknown vsn and a foreign Origin get 403; a malformed query gets 400", async () => {
    assert.equal((await upgradeStatus(`${server.url}/websocket?vsn=9.9.9`)).status, 403);
    assert.equal((await upgradeStatus(v2(), { headers: { Origin: "https://evil.example" } })).status, 403);
    assert.equal((await upgradeStatus(`${v2()}&bad=%zz`)).status, 400);
    assert.ok((await stats()).net.http_refusals >= 3);
    await bystanderServed();
  });

  it("more connections than --max-connections get 503", async () => {
    const open = [];
    let refused = null;
    for (let i = 0; i < 60 && refused === null; i++) {
      try {
        open.push(await RawClient.open(v2()));
      } catch (e) {
        refused = e.status;
      }
    }
    assert.equal(refused, 503);
    open.forEach((c) => c.close());
    await sleep(200);
    await bystanderServed();
  });
});

describe("rate limit", () => {
  it("with --rate-limit, messages past the burst get a rate limited reply and the connection stays", async () => {
    const limited = await startServer("conformance", ["--rate-limit", "5", "--rate-burst", "5"]);
    try {
      const c = await RawClient.open(`${limited.url}/websocket?vsn=2.0.0`);
      c.send(["1", "1", "room:rl", "phx_join", {}]);
      await c.take(1);
      for (let i = 0; i < 10; i++) c.send(["1", String(10 + i), "room:rl", "echo", { i }]);
      const replies = await c.take(10);
      const limitedReplies = replies.filter((f) => f.includes('"reason":"rate limited"'));
      assert.ok(limitedReplies.length >= 5, `${limitedReplies.length} rate limited`);
      assert.equal(replies.length, 10, "every message got an answer");
      await sleep(1100);  // the bucket refills
      c.send(["1", "99", "room:rl", "echo", { ok: true }]);
      assert.deepEqual(await c.take(1), ['["1","99","room:rl","phx_reply",{"response":{"ok":true},"status":"ok"}]']);
      const stats = await (await fetch(`${limited.http}/stats`)).json();
      assert.ok(stats.errors.rate_limited >= 5);
      c.close();
    } finally {
      await limited.stop();
    }
  });
});
