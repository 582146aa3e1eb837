// Shared helpers for the end-to-end tests: start a real server binary on 127.0.0.1 with
// a free port, talk to it with the stock phoenix client (over `ws`: Node 20 has no
// global WebSocket and phoenix.js would silently fall back to long-polling) or with raw
// frames where the bytes matter. Every wait is bounded.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import net from "node:net";
import tls from "node:tls";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { Socket } from "phoenix";
import WebSocket from "ws";

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The promise's value, or fallback()'s once `ms` pass. Unlike racing a sleep, the timer
 *  is cleared when the promise wins, so it does not keep the test process alive. */
export function within(promise, ms, fallback = () => null) {
  let timer;
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => { try { resolve(fallback()); } catch (e) { reject(e); } }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/** Polls `check` (async) every 25 ms until it returns something truthy, which it
 *  returns; throws after `ms`. */
export async function until(what, ms, check) {
  const start = Date.now();
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() - start > ms) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(25);
  }
}

/** Starts a server binary; resolves once it prints "listening on HOST:PORT". `env` adds
 *  to the environment it inherits. */
export async function startServer(kind = "conformance", args = [], { env = {} } = {}) {
  const variable = { chat: "CHAT_SERVER", realtime: "REALTIME_SERVER" }[kind] ?? "CONFORMANCE_SERVER";
  const bin = process.env[variable];
  if (!bin) throw new Error(`set ${variable} (ctest does)`);
  // "conformance-limited": the conformance server with only 48 file descriptors
  const [cmd, cmdArgs] = kind === "conformance-limited"
    ? ["prlimit", ["--nofile=48:48", bin, "--port", "0", ...args]]
    : [bin, ["--port", "0", ...args]];
  const proc = spawn(cmd, cmdArgs, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let stderr = "";
  proc.stderr.on("data", (d) => { stderr += d; });
  const [port, secure] = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("server did not start: " + stderr)), 10000);
    proc.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on [\d.]+:(\d+)( \(TLS\))?/);
      if (m) { clearTimeout(timer); resolve([Number(m[1]), Boolean(m[2])]); }
    });
    // "close", not "exit": only then has stderr been read to its end (the reason it exited)
    proc.on("close", (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}: ${stderr}`)); });
  });
  return {
    port,
    url: `${secure ? "wss" : "ws"}://127.0.0.1:${port}/socket`,
    http: `${secure ? "https" : "http"}://127.0.0.1:${port}`,
    proc,
    stderr: () => stderr,
    async stop(signal = "SIGTERM") {
      let code = proc.exitCode;
      if (code === null && proc.signalCode === null) {
        proc.kill(signal);
        const timer = setTimeout(() => proc.kill("SIGKILL"), 10000);
        [code] = await once(proc, "close");  // (after stderr is read to its end)
        clearTimeout(timer);
      }
      // Under scripts/sanitize.sh the servers are ASan/UBSan builds: any report fails the
      // test. Not under a 48-descriptor limit: UBSan then cannot open the binary to
      // symbolize, so its suppressions for CAF's headers (scripts/ubsan.supp) stop matching.
      if (kind !== "conformance-limited" && /Sanitizer|runtime error:/.test(stderr)) throw new Error(`sanitizer report from the server:\n${stderr}`);
      return code;
    },
  };
}

/** A connected stock phoenix.js socket. */
export async function phxSocket(url, opts = {}) {
  const socket = new Socket(url, { transport: WebSocket, timeout: 2000, ...opts });
  const opened = new Promise((resolve, reject) => {
    socket.onOpen(resolve);
    setTimeout(() => reject(new Error("socket did not open")), 5000);
  });
  socket.connect();
  await opened;
  return socket;
}

/** Resolves with [status, response] of a phoenix Push (join or push). */
export function outcome(push) {
  return new Promise((resolve) => {
    push.receive("ok", (r) => resolve(["ok", r]))
      .receive("error", (r) => resolve(["error", r]))
      .receive("timeout", () => resolve(["timeout", null]));
  });
}

/** A raw WebSocket client that records every frame (text as string, binary as Buffer) —
 *  except the chat room's presence frames (presence_state / presence_diff), which arrive
 *  on their own timer and are not what these tests count, unless `keepPresence`. */
export class RawClient {
  static async open(url, options = {}) {
    const c = new RawClient(url, options);
    await c.opened;
    return c;
  }
  /** `ca`: the certificate to trust for wss:// */
  constructor(url, { protocols, headers, ca, keepPresence = false } = {}) {
    this.frames = [];
    this.waiters = [];
    this.ws = new WebSocket(url, protocols, { headers, ca });
    this.closed = new Promise((resolve) => this.ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    this.opened = new Promise((resolve, reject) => {
      this.ws.on("open", resolve);
      this.ws.on("unexpected-response", (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
      this.ws.on("error", reject);
    });
    this.ws.on("message", (data, isBinary) => {
      const frame = isBinary ? Buffer.from(data) : data.toString();
      if (!isBinary && !keepPresence && /^(\[[^\]]*?,"presence_(state|diff)",|\{"event":"presence_(state|diff)")/.test(frame.slice(0, 300))) return;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => !w());
    });
  }
  send(frame) { this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame)); }
  sendBinary(buf) { this.ws.send(buf, { binary: true }); }
  /** Waits until at least n frames have arrived (bounded), then returns and clears them. */
  async take(n, ms = 3000) {
    if (this.frames.length < n) {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`got ${this.frames.length} of ${n} frames: ${JSON.stringify(this.frames)}`)), ms);
        this.waiters.push(() => {
          if (this.frames.length >= n) { clearTimeout(timer); resolve(); return true; }
          return false;
        });
      });
    }
    return this.frames.splice(0, this.frames.length);
  }
  /** Expects no frame for `ms`. */
  async none(ms = 200) {
    await sleep(ms);
    return this.frames.splice(0, this.frames.length);
  }
  close() { this.ws.close(); }
}

/** Opens a raw upgrade and reports its HTTP status (101 on success). */
export function upgradeStatus(url, { protocols, headers } = {}) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocols, { headers });
    ws.on("open", () => { resolve({ status: 101, protocol: ws.protocol }); ws.close(); });
    ws.on("unexpected-response", (_req, res) => { resolve({ status: res.statusCode }); res.destroy(); });
    ws.on("error", () => {});
  });
}

/** A raw client that upgrades, joins `topic`, then never reads again (over TLS when `ca`
 *  is given: the TLS socket is paused, so the TCP socket under it is not read either). */
export function stalledReader(port, topic, { ca } = {}) {
  return new Promise((resolve, reject) => {
    const onConnect = () => {
      s.write(`GET /socket/websocket?vsn=2.0.0 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
              `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    };
    const s = ca ? tls.connect({ port, host: "127.0.0.1", ca }, onConnect) : net.connect(port, "127.0.0.1", onConnect);
    s.setNoDelay(true);
    s.once("data", (d) => {
      if (!d.toString().startsWith("HTTP/1.1 101")) return reject(new Error("no upgrade"));
      const payload = Buffer.from(JSON.stringify(["1", "1", topic, "phx_join", {}]));
      // masked client frame with an all-zero key (valid, and the payload stays readable)
      s.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload]));
      setTimeout(() => { s.pause(); resolve(s); }, 100);  // joined; from now on nothing is read
    });
    s.on("error", () => {});
  });
}

/** A fresh self-signed certificate for 127.0.0.1/localhost, made with openssl(1). */
export function selfSignedCert() {
  const dir = mkdtempSync(join(tmpdir(), "chorus-tls-"));
  const certPath = join(dir, "cert.pem");
  const keyPath = join(dir, "key.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", keyPath, "-out", certPath, "-days", "1", "-subj", "/CN=localhost",
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], { stdio: "ignore", timeout: 10000 });
  return { dir, certPath, keyPath, cert: readFileSync(certPath) };
}

/** GET a document's text (http or https; `ca` is the certificate to trust). */
export async function getText(url, { ca } = {}) {
  if (!url.startsWith("https:")) return (await fetch(url)).text();
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, timeout: 5000, agent: false }, (res) => {
      let body = "";
      res.on("data", (d) => { body += d; });
      res.on("end", () => resolve(body));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

/** GET a JSON document (http or https). */
export async function getJson(url, options = {}) {
  return JSON.parse(await getText(url, options));
}

// scripts/setup.sh extracts promtool into .tools/ (PROMTOOL overrides)
const PROMTOOL = process.env.PROMTOOL ?? new URL("../../.tools/prometheus/usr/bin/promtool", import.meta.url).pathname;

/** GETs /metrics, checks it with Prometheus's own parser and linter (promtool, from
 *  Debian's prometheus package) and parses it (parse-prometheus-text-format). */
export async function scrapeMetrics(server) {
  const res = await fetch(`${server.http}/metrics`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const text = await res.text();
  // Prometheus's own parser and linter: exit 0 only for a valid, lint-clean exposition.
  execFileSync(PROMTOOL, ["check", "metrics"], { input: text, stdio: ["pipe", "pipe", "pipe"] });
  const families = Object.fromEntries(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
  return { text, families };
}

/** The value of one sample (by family and labels); undefined if absent. */
export function metricValue(families, name, labels = {}) {
  const fam = families[name];
  if (!fam) return undefined;
  const match = fam.metrics.find((m) => Object.entries(labels).every(([k, v]) => (m.labels ?? {})[k] === v));
  if (!match) return undefined;
  if (fam.type === "HISTOGRAM") return match;
  return Number(match.value);
}
