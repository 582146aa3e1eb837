// The WebSocket layer byte by byte: chorus reads client frames with its own frame reader
// (protocol/ws_frame_reader) and writes its own 101, so what a strict RFC 6455 server
// must do is checked here over raw TCP: the handshake's fields, every framing violation
// answered with a close frame naming it (then the TCP close), the close handshake, and
// frames split at every byte or sent along with the upgrade request.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { metricValue, scrapeMetrics, sleep, startServer, within } from "./helpers.mjs";

let server;
before(async () => { server = await startServer("conformance"); });
after(async () => { await server.stop(); });

const JOIN = JSON.stringify(["1", "1", "room:lobby", "phx_join", {}]);

/** A masked client frame; `first` is the first header byte (FIN, RSV, opcode). */
function frame(first, payload, { masked = true, lengthBytes } = {}) {
  const body = Buffer.from(payload);
  const key = randomBytes(4);
  const n = body.length;
  let header;
  if (lengthBytes === 8 || (!lengthBytes && n > 0xffff)) {
    header = Buffer.alloc(10);
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(n), 2);
  } else if (lengthBytes === 2 || n >= 126) {
    header = Buffer.alloc(4);
    header[1] = 126;
    header.writeUInt16BE(n, 2);
  } else {
    header = Buffer.alloc(2);
    header[1] = n;
  }
  header[0] = first;
  if (!masked) return Buffer.concat([header, body]);
  header[1] |= 0x80;
  return Buffer.concat([header, key, Buffer.from(body.map((b, i) => b ^ key[i % 4]))]);
}
const text = (s, fin = true) => frame(fin ? 0x81 : 0x01, s);
const closeBody = (code, reason = "") => Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason)]);

/** A raw connection: sends `request`, then parses what the server sends (HTTP head, then
 *  unmasked server frames). `ended` resolves when the server closes TCP. */
class Raw {
  constructor(request, { after = Buffer.alloc(0) } = {}) {
    this.buf = Buffer.alloc(0);
    this.head = null;
    this.frames = [];
    this.waiters = [];
    this.s = net.connect(server.port, "127.0.0.1", () => this.s.write(Buffer.concat([Buffer.from(request), after])));
    this.s.setNoDelay(true);
    this.ended = new Promise((resolve) => this.s.on("close", resolve));
    this.s.on("error", () => {});
    this.s.on("data", (d) => { this.buf = Buffer.concat([this.buf, d]); this.parse(); });
  }
  static upgrade(key = randomBytes(16).toString("base64"), extra = "", options) {
    const c = new Raw(`GET /socket/websocket?vsn=2.0.0 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n` +
                      `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`, options);
    c.key = key;
    return c;
  }
  parse() {
    if (!this.head) {
      const end = this.buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      this.head = this.buf.subarray(0, end).toString();
      this.buf = this.buf.subarray(end + 4);
    }
    while (this.buf.length >= 2) {
      let n = this.buf[1] & 0x7f, at = 2;
      if (n === 126) { if (this.buf.length < 4) return; n = this.buf.readUInt16BE(2); at = 4; }
      else if (n === 127) { if (this.buf.length < 10) return; n = Number(this.buf.readBigUInt64BE(2)); at = 10; }
      if (this.buf.length < at + n) return;
      this.frames.push({ opcode: this.buf[0] & 0x0f, fin: !!(this.buf[0] & 0x80), payload: this.buf.subarray(at, at + n) });
      this.buf = this.buf.subarray(at + n);
    }
    this.waiters = this.waiters.filter((w) => !w());
  }
  /** The first frame matching `pred` (bounded wait). */
  next(pred, ms = 3000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no such frame within ${ms} ms; got ${JSON.stringify(this.frames.map((f) => [f.opcode, f.payload.toString()]))}`)), ms);
      const check = () => {
        const i = this.frames.findIndex(pred);
        if (i < 0) return false;
        clearTimeout(timer);
        resolve(this.frames.splice(i, 1)[0]);
        return true;
      };
      if (!check()) this.waiters.push(check);
    });
  }
  async opened() {
    for (let i = 0; i < 200 && !this.head; i++) await sleep(10);
    return this.head;
  }
  async closeFrame() {
    const f = await this.next((f) => f.opcode === 0x8);
    return { code: f.payload.length >= 2 ? f.payload.readUInt16BE(0) : null, reason: f.payload.subarray(2).toString() };
  }
  write(bytes) { this.s.write(bytes); }
}

describe("the opening handshake", () => {
  it("answers 101 with the RFC's Sec-WebSocket-Accept, Upgrade and Connection, and names the server", async () => {
    const c = Raw.upgrade();
    const head = await c.opened();
    const accept = createHash("sha1").update(c.key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
    assert.match(head, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(head, new RegExp(`\r\nSec-WebSocket-Accept: ${accept.replace(/[+/]/g, "\\$&")}(\r\n|$)`));
    assert.match(head, /\r\nUpgrade: websocket\r\n/i);
    assert.match(head, /\r\nConnection: Upgrade\r\n/i);
    assert.match(head, /\r\nServer: chorus(\r\n|$)/);
    assert.doesNotMatch(head, /Sec-WebSocket-Protocol/);  // none was offered
    c.s.destroy();
  });

  it("answers Sec-WebSocket-Protocol: phoenix when it is offered", async () => {
    const c = Raw.upgrade(undefined, "Sec-WebSocket-Protocol: phoenix\r\n");
    assert.match(await c.opened(), /\r\nSec-WebSocket-Protocol: phoenix(\r\n|$)/);
    c.s.destroy();
  });

  const request = (headers) =>
    `GET /socket/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${headers}\r\n`;
  for (const [name, headers, status] of [
    ["version 8 is refused with 426 naming 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n", 426],
    ["a missing version is refused with 426", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", 426],
    ["a missing key is refused with 400", "Sec-WebSocket-Version: 13\r\n", 400],
    ["a key that is not 16 bytes is refused with 400", "Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n", 400],
    ["a key that is not base64 is refused with 400", "Sec-WebSocket-Key: !!!!!!!!!!!!!!!!!!!!!!==\r\nSec-WebSocket-Version: 13\r\n", 400],
  ]) {
    it(name, async () => {
      const c = new Raw(request(headers));
      const head = await c.opened();
      assert.match(head, new RegExp(`^HTTP/1\\.1 ${status} `));
      if (status === 426) assert.match(head, /\r\nSec-WebSocket-Version: 13(\r\n|$)/);
      assert.ok(await within(c.ended.then(() => true), 3000), "the server closes the connection");
    });
  }

  it("counts bad handshakes in /metrics", async () => {
    const { families } = await scrapeMetrics(server);
    assert.ok(metricValue(families, "chorus_connections_refused_total", { reason: "bad_handshake" }) >= 5);
  });
});

describe("framing violations close with 1002 and a reason, then the TCP connection", () => {
  for (const [name, bytes, reason] of [
    ["an unmasked frame", frame(0x81, JOIN, { masked: false }), "client frame not masked"],
    ["a reserved bit", frame(0xc1, JOIN), "reserved bits set (no extension was agreed)"],
    ["a reserved opcode", frame(0x83, "x"), "reserved opcode"],
    ["a fragmented ping", frame(0x09, "p"), "fragmented control frame"],
    ["a ping of 126 bytes", frame(0x89, "p".repeat(126)), "control frame over 125 bytes"],
    ["a continuation without a message", frame(0x80, "x"), "continuation frame without a message"],
    ["a new message inside a fragmented one", Buffer.concat([text("[", false), text(JOIN)]), "new message inside a fragmented message"],
    ["a length not minimally encoded", frame(0x81, JOIN, { lengthBytes: 8 }), "length not minimally encoded"],
    ["a close frame with a 1-byte body", frame(0x88, Buffer.from([3])), "close frame with a 1-byte body"],
    ["close code 1005 on the wire", frame(0x88, closeBody(1005)), "invalid close code"],
  ]) {
    it(name, async () => {
      const c = Raw.upgrade();
      await c.opened();
      c.write(bytes);
      assert.deepEqual(await c.closeFrame(), { code: 1002, reason });
      assert.ok(await within(c.ended.then(() => true), 3000), "the server closes the connection");
    });
  }

  it("a close reason that is not UTF-8 closes with 1007", async () => {
    const c = Raw.upgrade();
    await c.opened();
    c.write(frame(0x88, Buffer.concat([closeBody(1000), Buffer.from([0xff])])));
    assert.deepEqual(await c.closeFrame(), { code: 1007, reason: "close reason is not UTF-8" });
  });

  it("counts each violation in /metrics", async () => {
    const { families } = await scrapeMetrics(server);
    assert.ok(metricValue(families, "chorus_bad_input_closes_total", { kind: "protocol_violation" }) >= 10);
  });
});

describe("the close handshake and split frames", () => {
  it("a client close is answered with its code, then the server closes TCP", async () => {
    const c = Raw.upgrade();
    await c.opened();
    c.write(frame(0x88, closeBody(4001, "bye")));
    assert.deepEqual(await c.closeFrame(), { code: 4001, reason: "" });
    assert.ok(await within(c.ended.then(() => true), 3000), "the server closes the connection");
  });

  it("a close without a code is answered with an empty close frame", async () => {
    const c = Raw.upgrade();
    await c.opened();
    c.write(frame(0x88, ""));
    assert.deepEqual(await c.closeFrame(), { code: null, reason: "" });
  });

  it("a join sent one byte at a time is read whole", async () => {
    const c = Raw.upgrade();
    await c.opened();
    const bytes = text(JOIN);
    for (const b of bytes) {
      c.write(Buffer.from([b]));
      await sleep(2);
    }
    const reply = await c.next((f) => f.opcode === 0x1);
    assert.deepEqual(JSON.parse(reply.payload)[3], "phx_reply");
    assert.equal(JSON.parse(reply.payload)[4].status, "ok");
  });

  it("a fragmented join with a ping between its fragments: the pong first, then the reply", async () => {
    const c = Raw.upgrade();
    await c.opened();
    c.write(Buffer.concat([text(JOIN.slice(0, 10), false), frame(0x89, "between"), frame(0x00, JOIN.slice(10, 20)), frame(0x80, JOIN.slice(20))]));
    const pong = await c.next((f) => f.opcode === 0xa);
    assert.equal(pong.payload.toString(), "between");
    const reply = await c.next((f) => f.opcode === 0x1);
    assert.equal(JSON.parse(reply.payload)[4].status, "ok");
  });

  it("frames sent with the upgrade request, before the 101, are read after it", async () => {
    const c = Raw.upgrade(undefined, "", { after: Buffer.concat([frame(0x89, "early"), text(JOIN)]) });
    assert.match(await c.opened(), /^HTTP\/1\.1 101 /);
    assert.equal((await c.next((f) => f.opcode === 0xa)).payload.toString(), "early");
    assert.equal(JSON.parse((await c.next((f) => f.opcode === 0x1)).payload)[4].status, "ok");
  });

  it("a message of 200 KB in 64 KB fragments arrives whole", async () => {
    const c = Raw.upgrade();
    await c.opened();
    c.write(text(JOIN));
    await c.next((f) => f.opcode === 0x1);
    const body = "x".repeat(200_000);
    const push = JSON.stringify(["1", "2", "room:lobby", "echo", { body }]);
    const parts = [];
    for (let at = 0; at < push.length; at += 65536) parts.push(push.slice(at, at + 65536));
    c.write(Buffer.concat(parts.map((p, i) => frame((i === 0 ? 0x01 : 0x00) | (i === parts.length - 1 ? 0x80 : 0), p))));
    const reply = JSON.parse((await c.next((f) => f.opcode === 0x1)).payload);
    assert.equal(reply[1], "2");
    assert.equal(reply[4].status, "ok");
    assert.equal(reply[4].response.body, body);  // echoed whole
  });
});
