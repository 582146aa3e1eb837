// A depth bomb (one frame of JSON nested 10^5 or 5*10^5 levels) once overflowed the
// stack and killed the whole server. Now: close 1007 naming the limit, one counter, and
// everyone else is still served within a second. Against the chat example, as reported.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { RawClient, startServer } from "./helpers.mjs";

let server;
let bystander;
const REASON = "JSON nests deeper than 128 levels (max_json_depth)";

before(async () => {
  // 5*10^5 levels of objects take 3 MB: raise the frame cap so the depth is what is refused.
  server = await startServer("chat", ["--max-frame-bytes", String(4 << 20)]);
  bystander = await RawClient.open(`${server.url}/websocket?vsn=2.0.0`);
  bystander.send(["1", "1", "room:bystander", "phx_join", {}]);
  await bystander.take(1);
});
after(async () => {
  bystander?.close();
  assert.equal(await server.stop(), 0);  // alive to the end, and a clean drain
});

let ref = 10;
async function bystanderServedWithin(ms) {
  const r = String(++ref);
  const start = Date.now();
  bystander.send(["1", r, "room:bystander", "ping", { r }]);
  assert.deepEqual(await bystander.take(1, ms), [`["1","${r}","room:bystander","phx_reply",{"response":{"r":"${r}"},"status":"ok"}]`]);
  assert.ok(Date.now() - start < ms);
}
async function undecodable() { return (await (await fetch(`${server.http}/stats`)).json()).errors.undecodable_frame; }

/** A payload object with `levels` more levels of arrays or objects inside. */
function bomb(levels, shape) {
  const [open, close] = shape === "arrays" ? ["[", "]"] : ['{"a":', "}"];
  return `{"x":${open.repeat(levels)}1${close.repeat(levels)}}`;
}
function frame(vsn, event, payload) {
  return vsn === "v2"
    ? `["1","2","room:x","${event}",${payload}]`
    : `{"topic":"room:x","event":"${event}","payload":${payload},"ref":"2","join_ref":"1"}`;
}
function url(vsn) { return `${server.url}/websocket${vsn === "v2" ? "?vsn=2.0.0" : ""}`; }

describe("depth bombs close the sender with 1007 and cost nobody else anything", () => {
  for (const levels of [100_000, 500_000]) {
    for (const shape of ["arrays", "objects"]) {
      for (const vsn of ["v1", "v2"]) {
        for (const where of ["push", "join"]) {
          it(`${levels} levels of ${shape} in a ${where} payload on ${vsn}`, async () => {
            const before = await undecodable();
            const c = await RawClient.open(url(vsn));
            if (where === "push") {
              c.send(frame(vsn, "phx_join", "{}"));
              await c.take(1);
            }
            c.send(frame(vsn, where === "push" ? "ping" : "phx_join", bomb(levels, shape)));
            assert.deepEqual(await c.closed, { code: 1007, reason: REASON });
            await bystanderServedWithin(1000);
            assert.equal(await undecodable(), before + 1);
          });
        }
      }
    }
  }

  it("a payload at the limit is still answered (envelope + payload + 126 levels = 128)", async () => {
    const c = await RawClient.open(url("v2"));
    c.send(frame("v2", "phx_join", "{}"));
    await c.take(1);
    c.send(frame("v2", "ping", bomb(126, "arrays")));
    const [reply] = await c.take(1);
    assert.equal(reply, `["1","2","room:x","phx_reply",{"response":${bomb(126, "arrays")},"status":"ok"}]`);
    c.send(frame("v2", "ping", bomb(127, "objects")));
    assert.deepEqual(await c.closed, { code: 1007, reason: REASON });
  });

  it("the operator gets one log line per refused frame, naming the limit", async () => {
    const lines = server.stderr().split("\n").filter((l) => l.includes("max_json_depth"));
    assert.equal(lines.length, 17);  // 16 bombs + the one past the limit above
    assert.match(lines[0], /too_deep: JSON nests deeper than 128 levels \(max_json_depth\)/);
  });
});

describe("--max-json-depth sets the limit", () => {
  it("a server started with 8 refuses the ninth level and answers the eighth", async () => {
    const small = await startServer("chat", ["--max-json-depth", "8"]);
    try {
      const c = await RawClient.open(`${small.url}/websocket?vsn=2.0.0`);
      c.send(frame("v2", "phx_join", "{}"));
      await c.take(1);
      c.send(frame("v2", "ping", bomb(6, "arrays")));
      assert.equal((await c.take(1))[0], `["1","2","room:x","phx_reply",{"response":${bomb(6, "arrays")},"status":"ok"}]`);
      c.send(frame("v2", "ping", bomb(7, "arrays")));
      assert.deepEqual(await c.closed, { code: 1007, reason: "JSON nests deeper than 8 levels (max_json_depth)" });
    } finally {
      assert.equal(await small.stop(), 0);
    }
  });
});
