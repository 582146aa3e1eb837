// What a burst of joins costs with presence (docs/presence.md): the chat example tracks
// every joined connection. A watcher joins room:burst first; then N connections, already
// open, all send their join at once. Prints, for the watcher, the presence_diff frames and
// bytes it got until its list held all N, how long that took, and the server's RSS per
// joined, tracked connection.
//   CHAT_SERVER=build/examples/chat/chat_server node bench/presence_burst.mjs [N=1000] [window_ms=50]
// (Phoenix sends one presence_diff per join: N frames to each of N members.)
import { readFileSync } from "node:fs";
import { RawClient, sleep, startServer } from "../tests/e2e/helpers.mjs";

const count = Number(process.argv[2] || 1000);
const windowMs = process.argv[3] ?? "50";
const cpuS = (pid) => { const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" "); return (Number(f[11]) + Number(f[12])) / 100; };
const rssKb = (pid) => Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1]);

const server = await startServer("chat", ["--max-subscribers", String(count + 10)]);
// (presence_batch_ms is a channel_config field; the chat example keeps the default, 50 ms)
if (windowMs !== "50") console.log("note: the chat example uses the default 50 ms window");
try {
  const url = `${server.url}/websocket?vsn=2.0.0`;
  const watcher = await RawClient.open(url);
  watcher.send(["1", "1", "room:burst", "phx_join", {}]);
  await watcher.take(3, 5000);  // reply, presence_state, its own arrival
  const clients = [];
  for (let i = 0; i < count; i += 100)
    clients.push(...await Promise.all(Array.from({ length: Math.min(100, count - i) }, () => RawClient.open(url))));
  await sleep(300);
  const before = rssKb(server.proc.pid);

  const seen = new Set();
  let frames = 0, bytes = 0;
  const start = Date.now();
  const cpuBefore = cpuS(server.proc.pid);
  clients.forEach((c, i) => c.send(["1", "1", "room:burst", "phx_join", {}]));
  while (seen.size < count && Date.now() - start < 30000) {
    for (const f of await watcher.take(1, 30000)) {
      if (!f.includes('"presence_diff"')) continue;
      frames += 1;
      bytes += f.length;
      for (const key of Object.keys(JSON.parse(f)[4].joins)) seen.add(key);
    }
  }
  const elapsed = Date.now() - start;
  const cpu = cpuS(server.proc.pid) - cpuBefore;
  await sleep(500);
  const after = rssKb(server.proc.pid);
  console.log(`${count} joins at once: the watcher got ${frames} presence_diff frames (${(bytes / 1024).toFixed(0)} KiB) ` +
              `and listed all ${seen.size} after ${elapsed} ms (server CPU ${cpu.toFixed(2)} s); server RSS ${before} -> ${after} kB, ` +
              `${(((after - before) * 1024) / count / 1000).toFixed(1)} KB per joined, tracked connection (connections opened before)`);
  for (const c of [watcher, ...clients]) c.close();
} finally {
  await server.stop();
}
