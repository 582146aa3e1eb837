// Server memory per idle joined connection, plain vs TLS: starts the chat server twice
// (the second time with a fresh self-signed certificate), opens N connections that each
// join one topic, and prints the RSS growth per connection.
//   CHAT_SERVER=build/examples/chat/chat_server node bench/conn_memory_tls.mjs [N=2000]
// (chorus_bench's `conns` scenario measures plain connections at larger N; it has no TLS.)
import { readFileSync, rmSync } from "node:fs";
import { RawClient, selfSignedCert, sleep, startServer } from "../tests/e2e/helpers.mjs";

const count = Number(process.argv[2] || 2000);
const tls = selfSignedCert();
const rssKb = (pid) => Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1]);
try {
  for (const secure of [false, true]) {
    const args = ["--max-subscribers", String(count + 1)];
    if (secure) args.push("--tls-cert", tls.certPath, "--tls-key", tls.keyPath);
    const server = await startServer("chat", args);
    await sleep(300);
    const before = rssKb(server.proc.pid);
    const clients = [];
    for (let i = 0; i < count; i += 100) {
      const batch = Math.min(100, count - i);
      clients.push(...await Promise.all(Array.from({ length: batch }, () =>
        RawClient.open(`${server.url}/websocket?vsn=2.0.0`, { ca: tls.cert }))));
    }
    clients.forEach((c) => c.send(["1", "1", "room:mem", "phx_join", {}]));
    await Promise.all(clients.map((c) => c.take(1, 10000)));
    await sleep(500);
    const after = rssKb(server.proc.pid);
    const perConn = ((after - before) * 1024) / count / 1000;
    console.log(`${secure ? "tls  " : "plain"}  ${count} idle joined connections  RSS ${before} -> ${after} kB  ${perConn.toFixed(1)} KB/connection`);
    clients.forEach((c) => c.close());
    await server.stop();
  }
} finally {
  rmSync(tls.dir, { recursive: true, force: true });
}
