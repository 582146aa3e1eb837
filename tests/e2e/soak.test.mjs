// Bounded churn: rounds of connect / join / broadcast / leave / disconnect. After every
// round the live-object counters (socket actors, topics, TCP sessions, WebSockets,
// queued outbound bytes) return to zero, and the server's RSS plateaus (the allocator
// keeps freed memory, so the later rounds are compared, not the start).
// SOAK_SECONDS (default 150) bounds the run.
import { it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { RawClient, sleep, startServer } from "./helpers.mjs";

const rssKb = (pid) => Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1]);

const seconds = Number(process.env.SOAK_SECONDS || 150);

it("churn leaves no live objects behind and RSS plateaus", { timeout: (seconds + 60) * 1000 }, async () => {
  const server = await startServer("chat", ["--max-topics", "1024", "--max-subscribers", "1024"]);
  const deadline = Date.now() + seconds * 1000;
  const rounds = [];
  try {
    while (Date.now() < deadline && rounds.length < 1000) {
      const clients = await Promise.all(Array.from({ length: 200 }, () => RawClient.open(`${server.url}/websocket?vsn=2.0.0`)));
      clients.forEach((c, i) => { for (let t = 0; t < 5; t++) c.send([`${t}`, `${t}`, `room:soak${(i + t) % 20}`, "phx_join", {}]); });
      await Promise.all(clients.map((c) => c.take(5, 10000)));
      clients.forEach((c, i) => c.send(["0", "9", `room:soak${i % 20}`, "new_msg", { i, pad: "x".repeat(200) }]));
      await sleep(100);
      clients.forEach((c, i) => { if (i % 2 === 0) c.send(["0", "10", `room:soak${i % 20}`, "phx_leave", {}]); });
      await sleep(50);
      clients.forEach((c) => c.close());
      let s;
      for (let i = 0; i < 100; i++) {
        s = await (await fetch(`${server.http}/stats`)).json();
        if (s.connections === 0 && s.topics === 0 && s.net.websockets === 0 && s.net.tcp_connections <= 1 &&
            s.net.queued_bytes === 0) break;
        await sleep(50);
      }
      // (tcp_connections counts the /stats request itself)
      assert.deepEqual([s.connections, s.topics, s.net.websockets, s.net.tcp_connections, s.net.queued_bytes], [0, 0, 0, 1, 0],
                       `round ${rounds.length}: live objects left (socket actors, topics, websockets, sessions, queued bytes)`);
      if (rounds.length === 0) assert.ok(s.frames_out > 0 && s.connections_total >= 200, "the round did real work");
      rounds.push(rssKb(server.proc.pid));
    }
    console.log(`rounds ${rounds.length}; RSS kB per round: ${rounds.join(" ")}`);
    assert.ok(rounds.length >= 6, "enough rounds to compare");
    const half = rounds.slice(Math.floor(rounds.length / 2));
    const growth = half[half.length - 1] - half[0];
    assert.ok(growth <= half[0] * 0.10, `RSS still growing in the second half: ${half[0]} -> ${half[half.length - 1]} kB`);
  } finally {
    await server.stop();
  }
});
