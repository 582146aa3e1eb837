// docs/protocol.md §6's conformance cases against the conformance server, over real sockets,
// with raw frames where bytes matter and the stock phoenix client where behaviour does.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { RawClient, outcome, phxSocket, sleep, startServer, upgradeStatus, within } from "./helpers.mjs";

let server;
before(async () => { server = await startServer("conformance", ["--heartbeat-timeout", "2", "--max-channels-per-socket", "16", "--max-topics", "1024"]); });
after(async () => { await server.stop(); });

const v2 = () => `${server.url}/websocket?vsn=2.0.0`;
const joinOk = (jr, topic, response = { topic }) =>
  JSON.stringify([jr, jr, topic, "phx_reply", { response, status: "ok" }]);

describe("1-4: handshake", () => {
  it("1: vsn=2.0.0 upgrades; vsn=3.0.0 and vsn=abc get HTTP 403", async () => {
    assert.equal((await upgradeStatus(v2())).status, 101);
    assert.equal((await upgradeStatus(`${server.url}/websocket?vsn=3.0.0`)).status, 403);
    assert.equal((await upgradeStatus(`${server.url}/websocket?vsn=abc`)).status, 403);
    assert.equal((await upgradeStatus(`ws://127.0.0.1:${server.port}/elsewhere/websocket`)).status, 404);
  });

  it("2: no vsn means V1 objects with four keys and no join_ref", async () => {
    const c = await RawClient.open(`${server.url}/websocket`);
    c.send({ topic: "room:v1", event: "phx_join", payload: {}, ref: "1", join_ref: "1" });
    const [frame] = await c.take(1);
    assert.equal(frame, '{"event":"phx_reply","payload":{"response":{"topic":"room:v1"},"status":"ok"},"ref":"1","topic":"room:v1"}');
    c.close();
  });

  it("3: a connect rejected by the app or a foreign Origin gets HTTP 403", async () => {
    assert.equal((await upgradeStatus(`${v2()}&token=bad`)).status, 403);
    assert.equal((await upgradeStatus(v2(), { headers: { Origin: "http://evil.example" } })).status, 403);
    assert.equal((await upgradeStatus(v2(), { headers: { Origin: `http://127.0.0.1:${server.port}` } })).status, 101);
  });

  it("4: an auth token in Sec-WebSocket-Protocol is answered with 'phoenix' and reaches connect", async () => {
    const token = Buffer.from("s3cret").toString("base64").replace(/=+$/, "");
    const res = await upgradeStatus(v2(), { protocols: ["phoenix", `base64url.bearer.phx.${token}`] });
    assert.deepEqual(res, { status: 101, protocol: "phoenix" });
    const bad = Buffer.from("bad").toString("base64").replace(/=+$/, "");
    assert.equal((await upgradeStatus(v2(), { protocols: ["phoenix", `base64url.bearer.phx.${bad}`] })).status, 403);
    // the stock client's authToken option
    const socket = await phxSocket(server.url, { authToken: "s3cret" });
    const ch = socket.channel("room:auth", {});
    await outcome(ch.join());
    const [status, resp] = await outcome(ch.push("whoami", {}));
    assert.equal(status, "ok");
    assert.equal(resp.auth_token, "s3cret");
    socket.disconnect();
  });
});

describe("5-13: channel lifecycle (raw V2 frames)", () => {
  it("5: a heartbeat with no channel joined is answered", async () => {
    const c = await RawClient.open(v2());
    c.send([null, "1", "phoenix", "heartbeat", {}]);
    assert.deepEqual(await c.take(1), ['[null,"1","phoenix","phx_reply",{"response":{},"status":"ok"}]']);
    c.close();
  });

  it("6: the first frame of a joined topic is its join reply", async () => {
    const c = await RawClient.open(v2());
    c.send(["1", "1", "room:six", "phx_join", {}]);
    assert.deepEqual(await c.take(1), [joinOk("1", "room:six")]);
    c.close();
  });

  it("7: a rejected join gets the app's response, no phx_close, and a retry works", async () => {
    const c = await RawClient.open(v2());
    c.send(["1", "1", "room:7", "phx_join", { reject: true }]);
    assert.deepEqual(await c.take(1), ['["1","1","room:7","phx_reply",{"response":{"reason":"rejected by app"},"status":"error"}]']);
    assert.deepEqual(await c.none(), []);
    c.send(["2", "2", "room:7", "phx_join", {}]);
    assert.deepEqual(await c.take(1), [joinOk("2", "room:7")]);
    c.close();
  });

  it("8: join or push on an unrouted or unjoined topic gets unmatched topic", async () => {
    const c = await RawClient.open(v2());
    c.send(["7", "7", "nope:1", "phx_join", {}]);
    c.send(["1", "8", "room:8", "echo", {}]);
    assert.deepEqual(await c.take(2), [
      '[null,"7","nope:1","phx_reply",{"response":{"reason":"unmatched topic"},"status":"error"}]',
      '[null,"8","room:8","phx_reply",{"response":{"reason":"unmatched topic"},"status":"error"}]',
    ]);
    c.close();
  });

  it("9: a custom event's reply echoes ref and join_ref; a no-reply handler sends nothing", async () => {
    const c = await RawClient.open(v2());
    c.send(["3", "3", "room:9", "phx_join", {}]);
    await c.take(1);
    c.send(["3", "4", "room:9", "echo", { body: "hi" }]);
    c.send(["3", "5", "room:9", "noreply", {}]);
    assert.deepEqual(await c.take(1), ['["3","4","room:9","phx_reply",{"response":{"body":"hi"},"status":"ok"}]']);
    assert.deepEqual(await c.none(300), []);
    c.close();
  });

  it("9: with phoenix.js, a no-reply push times out on the client", async () => {
    const socket = await phxSocket(server.url);
    const ch = socket.channel("room:9js", {});
    await outcome(ch.join());
    assert.deepEqual(await outcome(ch.push("noreply", {}, 300)), ["timeout", null]);
    assert.deepEqual(await outcome(ch.push("echo_error", { why: 1 })), ["error", { why: 1 }]);
    socket.disconnect();
  });

  it("10: leave is answered ok then phx_close; later pushes are unmatched; leave when unjoined gets ok only", async () => {
    const c = await RawClient.open(v2());
    c.send(["3", "3", "room:10", "phx_join", {}]);
    await c.take(1);
    c.send(["3", "12", "room:10", "phx_leave", {}]);
    assert.deepEqual(await c.take(2), [
      '["3","12","room:10","phx_reply",{"response":{},"status":"ok"}]',
      '["3","3","room:10","phx_close",{}]',
    ]);
    c.send(["3", "13", "room:10", "echo", {}]);
    c.send(["4", "14", "room:10b", "phx_leave", {}]);
    assert.deepEqual(await c.take(2), [
      '[null,"13","room:10","phx_reply",{"response":{"reason":"unmatched topic"},"status":"error"}]',
      '["4","14","room:10b","phx_reply",{"response":{},"status":"ok"}]',
    ]);
    assert.deepEqual(await c.none(), []);
    c.close();
  });

  it("11: a duplicate join replies for the new join_ref, closes the old one, and broadcasts arrive once", async () => {
    const c = await RawClient.open(v2());
    c.send(["3", "3", "room:11", "phx_join", {}]);
    await c.take(1);
    c.send(["9", "9", "room:11", "phx_join", {}]);
    assert.deepEqual(await c.take(2), [joinOk("9", "room:11"), '["3","3","room:11","phx_close",{}]']);
    c.send(["9", "10", "room:11", "shout", { n: 1 }]);
    assert.deepEqual(await c.take(1), ['[null,null,"room:11","shout",{"n":1}]']);
    assert.deepEqual(await c.none(), []);
    c.close();
  });

  it("12: a crashing handler sends phx_error, the socket stays open and a rejoin succeeds", async () => {
    const c = await RawClient.open(v2());
    c.send(["3", "3", "room:12", "phx_join", {}]);
    await c.take(1);
    c.send(["3", "4", "room:12", "boom", {}]);
    assert.deepEqual(await c.take(1), ['["3","3","room:12","phx_error",{"reason":"channel_crash"}]']);
    c.send(["5", "5", "room:12", "phx_join", {}]);
    assert.deepEqual(await c.take(1), [joinOk("5", "room:12")]);
    c.close();
  });

  it("12: with phoenix.js, the channel rejoins by itself after a crash", async () => {
    const socket = await phxSocket(server.url, { rejoinAfterMs: () => 50 });
    const ch = socket.channel("room:12js", {});
    let joins = 0;
    const rejoined = new Promise((resolve) => ch.join().receive("ok", () => { if (++joins === 2) resolve(); }));
    await sleep(100);
    ch.push("boom", {});
    await within(rejoined, 3000, () => { throw new Error("no rejoin"); });
    assert.equal(joins, 2);
    socket.disconnect();
  });

  it("13: a stale join_ref is dropped silently; the same message with a null join_ref is processed", async () => {
    const c = await RawClient.open(v2());
    c.send(["3", "3", "room:13", "phx_join", {}]);
    await c.take(1);
    c.send(["1", "4", "room:13", "echo", {}]);
    assert.deepEqual(await c.none(), []);
    c.send([null, "5", "room:13", "echo", {}]);
    assert.deepEqual(await c.take(1), ['["3","5","room:13","phx_reply",{"response":{},"status":"ok"}]']);
    c.close();
  });
});

describe("14-16: broadcasts, pushes and binary", () => {
  it("14: a broadcast reaches every joined socket once; broadcast_from skips the sender", async () => {
    const clients = await Promise.all([0, 1, 2].map(() => RawClient.open(v2())));
    for (const c of clients) { c.send(["1", "1", "room:14", "phx_join", {}]); await c.take(1); }
    clients[0].send(["1", "2", "room:14", "shout", { x: 1 }]);
    for (const c of clients) assert.deepEqual(await c.take(1), ['[null,null,"room:14","shout",{"x":1}]']);
    clients[1].send(["1", "3", "room:14", "shout_from", { y: 2 }]);
    assert.deepEqual(await clients[0].take(1), ['[null,null,"room:14","shout_from",{"y":2}]']);
    assert.deepEqual(await clients[2].take(1), ['[null,null,"room:14","shout_from",{"y":2}]']);
    assert.deepEqual(await clients[1].none(), []);
    for (const c of clients) c.close();
  });

  it("15: a server push is [join_ref, null, topic, event, payload]; push_to reaches another connection", async () => {
    const a = await RawClient.open(`${v2()}&user=alice`);
    const b = await RawClient.open(`${v2()}&user=bob`);
    a.send(["4", "4", "room:15", "phx_join", {}]);
    b.send(["6", "6", "room:15", "phx_join", {}]);
    await a.take(1); await b.take(1);
    a.send(["4", "5", "room:15", "push_me", { p: 1 }]);
    assert.deepEqual(await a.take(1), ['["4",null,"room:15","pushed",{"p":1}]']);
    a.send(["4", "6", "room:15", "poke", { to: "bob" }]);
    assert.deepEqual(await b.take(1), ['["6",null,"room:15","poked",{"to":"bob"}]']);
    a.close(); b.close();
  });

  it("15: a deferred join holds the channel's frames until its reply, which still comes first", async () => {
    const c = await RawClient.open(v2());
    c.send(["1", "1", "room:15d", "phx_join", { defer: true }]);
    c.send(["1", "2", "room:15d", "echo", { after: true }]);
    assert.deepEqual(await c.take(3), [
      '["1","1","room:15d","phx_reply",{"response":{"deferred":true},"status":"ok"}]',
      '["1",null,"room:15d","before_reply",{"held":true}]',
      '["1","2","room:15d","phx_reply",{"response":{"after":true},"status":"ok"}]',
    ]);
    c.close();
  });

  it("16: a binary push (docs/protocol.md §2.3 example) is decoded and answered with a kind-1 reply", async () => {
    const c = await RawClient.open(v2());
    c.send(["1", "1", "room:1", "phx_join", {}]);
    await c.take(1);
    // the client push from docs/protocol.md §2.3, with event "echo" instead of "up"
    c.sendBinary(Buffer.from("0001010604" + Buffer.from("12room:1echo").toString("hex") + "deadbeef", "hex"));
    const [reply] = await c.take(1);
    assert.ok(Buffer.isBuffer(reply));
    assert.equal(reply.toString("hex"), "0101010602" + Buffer.from("12room:1ok").toString("hex") + "deadbeef");
    c.close();
  });

  it("16: phoenix.js decodes binary replies (kind 1) and binary broadcasts (kind 2)", async () => {
    const socket = await phxSocket(server.url);
    const ch = socket.channel("room:16", {});
    await outcome(ch.join());
    const bytes = new Uint8Array([1, 2, 3, 250]).buffer;
    const [status, resp] = await outcome(ch.push("echo", bytes));
    assert.equal(status, "ok");
    assert.deepEqual([...new Uint8Array(resp)], [1, 2, 3, 250]);
    const got = new Promise((resolve) => ch.on("shout", resolve));
    ch.push("shout", new Uint8Array([7, 8]).buffer);
    assert.deepEqual([...new Uint8Array(await got)], [7, 8]);
    socket.disconnect();
  });
});

describe("17-19: disconnects, timeouts, caps and bad frames", () => {
  it("17: disconnect to a socket id closes its connections with 1001 and phoenix.js reconnects", async () => {
    const victim = await phxSocket(`${server.url}`, { params: { user: "carol" }, reconnectAfterMs: () => 50 });
    const raw = await RawClient.open(`${v2()}&user=carol`);
    const closeCodes = [];
    const reopened = new Promise((resolve) => victim.onOpen(resolve));
    victim.onClose((e) => closeCodes.push(e.code));
    const admin = await RawClient.open(v2());
    admin.send(["1", "1", "room:admin", "phx_join", {}]);
    await admin.take(1);
    admin.send(["1", "2", "room:admin", "kick", { user: "carol" }]);
    assert.equal((await raw.closed).code, 1001);
    await within(reopened, 3000, () => { throw new Error("no reconnect"); });
    assert.deepEqual(closeCodes, [1001]);
    victim.disconnect(); admin.close();
  });

  it("18: a silent connection is closed after the heartbeat timeout; a beating client is not", async () => {
    const silent = await RawClient.open(v2());
    const beating = await phxSocket(server.url, { heartbeatIntervalMs: 300 });
    let beatingClosed = false;
    beating.onClose(() => { beatingClosed = true; });
    const closed = await within(silent.closed, 5000);
    assert.deepEqual(closed, { code: 1001, reason: "heartbeat timeout" });
    assert.equal(beatingClosed, false);
    beating.disconnect();
  });

  it("18: the join past chorus's per-connection cap gets too many channels joined", async () => {
    const c = await RawClient.open(v2());
    for (let i = 1; i <= 17; i++) c.send([`${i}`, `${i}`, `room:cap${i}`, "phx_join", {}]);
    // replies of different topics may interleave: check the set, not the order
    const frames = await c.take(17);
    assert.equal(frames.filter((f) => f.includes('"status":"ok"')).length, 16);
    assert.deepEqual(frames.filter((f) => f.includes('"status":"error"')),
      ['["17","17","room:cap17","phx_reply",{"response":{"reason":"too many channels joined"},"status":"error"}]']);
    c.close();
  });

  for (const [name, bad] of [["invalid JSON", "{not json"], ["a 4-element V2 array", '["1","2","room:1","x"]']]) {
    it(`19: ${name} closes the connection (1007, no reply) and phoenix.js reconnects and rejoins`, async () => {
      const raw = await RawClient.open(v2());
      raw.send(bad);
      const closed = await raw.closed;
      assert.equal(closed.code, 1007);
      assert.deepEqual(raw.frames, []);

      const socket = await phxSocket(server.url, { reconnectAfterMs: () => 50, rejoinAfterMs: () => 50 });
      const ch = socket.channel("room:19", {});
      let joins = 0;
      const rejoined = new Promise((resolve) => ch.join().receive("ok", () => { if (++joins === 2) resolve(); }));
      await sleep(100);
      socket.conn.send(bad);  // through phoenix.js's own transport
      await within(rejoined, 3000, () => { throw new Error("no rejoin"); });
      socket.disconnect();
    });
  }
});

describe("route params and connect params", () => {
  it("a mount with :tenant passes route params and nested query params to the socket", async () => {
    const tenant = await startServer("conformance", ["--mount", "/t/:tenant/socket"]);
    try {
      const socket = await phxSocket(`ws://127.0.0.1:${tenant.port}/t/acme/socket`, { params: { user: "dave", meta: { tags: ["a", "b"] } } });
      const ch = socket.channel("room:rp", {});
      await outcome(ch.join());
      const [status, resp] = await outcome(ch.push("whoami", {}));
      assert.equal(status, "ok");
      assert.equal(resp.tenant, "acme");
      assert.equal(resp.user, "dave");
      assert.deepEqual(resp.query.meta, { tags: ["a", "b"] });
      assert.equal(resp.query.vsn, "2.0.0");
      socket.disconnect();
    } finally {
      await tenant.stop();
    }
  });
});

describe("intercept / handle_out", () => {
  it("an intercepted broadcast reaches each member through handle_out, as a push with its join_ref", async () => {
    const admin = await RawClient.open(`${v2()}&user=admin`);
    const user = await RawClient.open(`${v2()}&user=eve`);
    const muted = await RawClient.open(`${v2()}&user=mo`);
    admin.send(["1", "1", "intercept:1", "phx_join", {}]);
    user.send(["2", "2", "intercept:1", "phx_join", {}]);
    muted.send(["3", "3", "intercept:1", "phx_join", { mute: true }]);
    await admin.take(1); await user.take(1); await muted.take(1);
    user.send(["2", "4", "intercept:1", "new_msg", { body: "hi" }]);
    assert.deepEqual(await admin.take(1), ['["1",null,"intercept:1","new_msg",{"body":"hi"}]']);
    assert.deepEqual(await user.take(1), ['["2",null,"intercept:1","new_msg",{"body":"hi"}]']);
    user.send(["2", "5", "intercept:1", "secret", { code: 7 }]);
    assert.deepEqual(await admin.take(1), ['["1",null,"intercept:1","secret",{"code":7}]']);
    assert.deepEqual(await user.none(), []);
    assert.deepEqual(await muted.none(), []);  // filtered out for the muted member, both times
    for (const c of [admin, user, muted]) c.close();
  });

  it("phoenix.js receives handle_out pushes; the same event on a fast-path channel is a broadcast", async () => {
    const socket = await phxSocket(server.url, { params: { user: "pat" } });
    const got = [];
    for (const topic of ["intercept:js", "fast:js"]) {
      const ch = socket.channel(topic, {});
      ch.on("new_msg", (m) => got.push([topic, m.body]));
      assert.equal((await outcome(ch.join()))[0], "ok");
      ch.push("new_msg", { body: topic });
    }
    for (let i = 0; i < 100 && got.length < 2; i++) await sleep(20);
    assert.deepEqual(got.sort(), [["fast:js", "fast:js"], ["intercept:js", "intercept:js"]]);
    socket.disconnect();
  });
});
