// The realtime example against the real @supabase/realtime-js (2.109.0: the newest that
// runs on the Node 20 the set-up installs; 2.110+ need Node 22), over `ws`: two V2
// clients (their broadcasts arrive as binary kind-3 frames) and one V1 client.
import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { RealtimeClient } from "@supabase/realtime-js";
import WebSocket from "ws";
import { sleep, startServer } from "./helpers.mjs";

let server;
const clients = [];
before(async () => { server = await startServer("realtime"); });
after(async () => {
  for (const c of clients) c.disconnect();
  assert.equal(await server.stop(), 0);
});

function client(vsn = "2.0.0") {
  const c = new RealtimeClient(server.url, { params: { apikey: "any" }, transport: WebSocket, vsn, timeout: 3000 });
  clients.push(c);
  return c;
}

/** Subscribes and resolves once SUBSCRIBED (rejects on an error status or after 5 s). */
function subscribe(channel) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("not subscribed within 5 s")), 5000);
    channel.subscribe((status, err) => {
      if (status === "SUBSCRIBED") { clearTimeout(timer); resolve(); }
      else if (status === "CHANNEL_ERROR" || status === "TIMED_OUT") { clearTimeout(timer); reject(err ?? new Error(status)); }
    });
  });
}

async function until(what, check, ms = 5000) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(20);
  }
}

/** A channel on `topic` that records the broadcasts of event "hello". */
function listener(c, topic, config) {
  const channel = c.channel(topic, { config });
  const got = [];
  channel.on("broadcast", { event: "hello" }, (m) => got.push(m));
  return { channel, got };
}

it("broadcast: ack and self, self:false, V2 (kind 3 in) and V1 clients alike", async () => {
  const [a, b, v1] = [client(), client(), client("1.0.0")];
  const topic = "room:bcast";
  const la = listener(a, topic, { broadcast: { self: true, ack: true } });
  const lb = listener(b, topic, { broadcast: { self: false } });
  const lv1 = listener(v1, topic, {});
  await Promise.all([la, lb, lv1].map((l) => subscribe(l.channel)));

  // a: self and ack → it hears itself, and send() resolves on the server's ok reply
  assert.equal(await la.channel.send({ type: "broadcast", event: "hello", payload: { n: 1, text: "hé" } }), "ok");
  await until("everyone got a's", () => [la, lb, lv1].every((l) => l.got.length === 1));
  for (const l of [la, lb, lv1]) assert.deepEqual(l.got[0], { type: "broadcast", event: "hello", payload: { n: 1, text: "hé" } });

  // b: self:false → it does not hear itself; the others do
  assert.equal(await lb.channel.send({ type: "broadcast", event: "hello", payload: { n: 2 } }), "ok");
  await until("a and v1 got b's", () => la.got.length === 2 && lv1.got.length === 2);
  await sleep(200);
  assert.equal(lb.got.length, 1);
  // V1 sends JSON text; it reaches the V2 clients
  assert.equal(await lv1.channel.send({ type: "broadcast", event: "hello", payload: { n: 3 } }), "ok");
  await until("a and b got v1's", () => la.got.length === 3 && lb.got.length === 2);
  assert.deepEqual(lb.got[1].payload, { n: 3 });
});

it("a raw ArrayBuffer broadcast reaches V2 clients as bytes (kind 3 in, kind 4 out), and no V1 client", async () => {
  const [a, b, v1] = [client(), client(), client("1.0.0")];
  const topic = "room:bytes";
  const got = { a: [], b: [], v1: [] };
  const chans = {};
  for (const [name, c] of Object.entries({ a, b, v1 })) {
    chans[name] = c.channel(topic, { config: { broadcast: { self: name === "a", ack: name === "a" } } });
    chans[name].on("broadcast", { event: "bin" }, (m) => got[name].push(m));
  }
  await Promise.all(Object.values(chans).map(subscribe));
  const bytes = new Uint8Array([0, 1, 2, 250, 255]);
  assert.equal(await chans.a.send({ type: "broadcast", event: "bin", payload: bytes.buffer }), "ok");
  await until("a and b got the bytes", () => got.a.length === 1 && got.b.length === 1);
  for (const m of [got.a[0], got.b[0]]) {
    assert.equal(m.event, "bin");
    assert.ok(m.payload instanceof ArrayBuffer, `payload is ${Object.prototype.toString.call(m.payload)}`);
    assert.deepEqual([...new Uint8Array(m.payload)], [...bytes]);
  }
  // JSON still reaches the V1 client on the same topic; the bytes never did
  await chans.b.send({ type: "broadcast", event: "bin", payload: { json: true } });
  await until("v1 got the JSON one", () => got.v1.length === 1);
  assert.deepEqual(got.v1[0].payload, { json: true });
});

it("presence: track, update and untrack seen by every client through presenceState and sync/join/leave", async () => {
  const [a, b, v1] = [client(), client(), client("1.0.0")];
  const topic = "room:presence";
  const events = { a: [], b: [], v1: [] };
  const chans = {};
  for (const [name, c] of Object.entries({ a, b, v1 })) {
    const channel = c.channel(topic, { config: { presence: { key: `user-${name}` } } });
    channel.on("presence", { event: "sync" }, () => events[name].push("sync"));
    channel.on("presence", { event: "join" }, ({ key }) => events[name].push(`join:${key}`));
    channel.on("presence", { event: "leave" }, ({ key }) => events[name].push(`leave:${key}`));
    chans[name] = channel;
  }
  await Promise.all(Object.values(chans).map(subscribe));
  assert.equal(await chans.a.track({ status: "online" }), "ok");
  assert.equal(await chans.b.track({ status: "away" }), "ok");
  const keys = (ch) => Object.keys(ch.presenceState()).sort().join(",");
  await until("a and b everywhere", () => Object.values(chans).every((ch) => keys(ch) === "user-a,user-b"));
  for (const ch of Object.values(chans)) assert.equal(ch.presenceState()["user-a"][0].status, "online");
  assert.ok(events.v1.includes("join:user-a") && events.v1.includes("sync"));

  // untrack: gone everywhere
  assert.equal(await chans.b.untrack(), "ok");
  await until("b untracked everywhere", () => Object.values(chans).every((ch) => keys(ch) === "user-a"));
  assert.ok(events.a.includes("leave:user-b"));

  // update (tracking again): one presence_diff with the new meta as a join (phx_ref_prev)
  // and the old as a leave, as Phoenix and Supabase send it; every client sees the join
  // and leave events. (realtime-js 2.109.0's adapter strips phx_ref from the metas it
  // already holds when a key gains one — its onJoin mutates them — so its presenceState()
  // keeps the old meta too after an update, whatever the server; a client that joins
  // afterwards sees exactly the new one.)
  for (const e of Object.values(events)) e.length = 0;
  assert.equal(await chans.a.track({ status: "busy" }), "ok");
  await until("the update's join and leave everywhere", () =>
    Object.values(events).every((e) => e.includes("join:user-a") && e.includes("leave:user-a")));
  const late = client().channel(topic, { config: { presence: { key: "late" } } });
  late.on("presence", { event: "sync" }, () => {});
  await subscribe(late);
  await until("the late joiner's state", () => late.presenceState()["user-a"]?.length === 1);
  assert.equal(late.presenceState()["user-a"][0].status, "busy");

  // a channel that leaves: its presence goes with it
  await chans.a.unsubscribe();
  await until("a left", () => keys(late) === "");
});

it("a bad track payload gets the error reply; access_token is accepted silently; a rejoin after a reconnect gets the state again", async () => {
  const c = client();
  const channel = c.channel("room:rejoin", { config: { presence: { key: "me" } } });
  channel.on("presence", { event: "sync" }, () => {});  // (realtime-js enables presence for a listener)
  await subscribe(channel);
  assert.equal(await channel.track("not a map"), "error");
  await c.setAuth("some-token");  // sends access_token on every joined channel
  assert.equal(await channel.track({ here: true }), "ok");
  await until("tracked", () => Object.keys(channel.presenceState()).join() === "me");
  // drop the connection: realtime-js reconnects, rejoins, and gets presence_state again
  c.socketAdapter.socket.conn.close();  // (the transport under realtime-js 2.109's adapter)
  await until("rejoined", () => channel.state === "joined" && c.isConnected(), 15000);
  assert.equal(await channel.track({ here: "again" }), "ok");
  await until("tracked after the rejoin", () => channel.presenceState().me?.[0]?.here === "again");
});
