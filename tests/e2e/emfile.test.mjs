// Out of file descriptors: with a tiny fd limit the accept loop fails with EMFILE. It
// must back off (no spinning, one log line), keep serving the connections it has, and
// accept again once descriptors are free.
import { it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { RawClient, sleep, startServer } from "./helpers.mjs";

const cpuTicks = (pid) => readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ").slice(11, 13).map(Number).reduce((a, b) => a + b);

it("EMFILE: the accept loop backs off and recovers", async () => {
  // prlimit wraps the server: 48 descriptors in all (the process needs ~12 of its own)
  const server = await startServer("conformance-limited", ["--io-threads", "1", "--workers", "1"]);
  try {
    const url = `${server.url}/websocket?vsn=2.0.0`;
    const first = [];
    for (let i = 0; i < 60; i++) {
      const c = new RawClient(url);
      c.opened.catch(() => {});
      first.push(c);
    }
    await sleep(1500);
    const open = first.filter((c) => c.ws.readyState === 1);
    assert.ok(open.length > 10 && open.length < 60, `${open.length} of 60 accepted under the limit`);
    const t0 = cpuTicks(server.proc.pid);
    await sleep(1000);
    const busy = cpuTicks(server.proc.pid) - t0;
    assert.ok(busy < 20, `server used ${busy} ticks in 1 s while out of descriptors (spinning?)`);
    // the connections it has are still served
    open[0].send(["1", "1", "room:fd", "phx_join", {}]);
    assert.equal((await open[0].take(1)).length, 1);
    // free descriptors: the waiting connections are accepted now
    open.forEach((c) => c.close());
    await sleep(1500);
    const later = await RawClient.open(url);
    later.send([null, "1", "phoenix", "heartbeat", {}]);
    assert.deepEqual(await later.take(1), ['[null,"1","phoenix","phx_reply",{"response":{},"status":"ok"}]']);
    later.close();
    first.forEach((c) => c.ws.terminate());
    const log = server.stderr();
    // one line per episode (a descriptor freed in between starts a new episode), not one per retry
    const failed = log.match(/accept failed/g)?.length ?? 0;
    const recovered = log.match(/accepting again after \d+ failed accepts/g)?.length ?? 0;
    assert.ok(failed >= 1 && failed <= recovered + 1 && failed < 10, `${failed} failure lines, ${recovered} recoveries`);
    assert.ok(recovered >= 1);
  } finally {
    await server.stop();
  }
});
