// Shared helpers for the end-to-end tests: start a real server binary on 127.0.0.1 with
// a free port, talk to it with the stock phoenix client (over `ws`: Node 20 has no
// global WebSocket and phoenix.js would silently fall back to long-polling) or with raw
// frames where the bytes matter. Every wait is bounded.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { Socket } from "phoenix";
import WebSocket from "ws";

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts a server binary; resolves once it prints "listening on HOST:PORT". */
export async function startServer(kind = "conformance", args = []) {
  const bin = kind === "chat" ? process.env.CHAT_SERVER : process.env.CONFORMANCE_SERVER;
  if (!bin) throw new Error(`set ${kind === "chat" ? "CHAT_SERVER" : "CONFORMANCE_SERVER"} (ctest does)`);
  // "conformance-limited": the conformance server with only 48 file descriptors
  const [cmd, cmdArgs] = kind === "conformance-limited"
    ? ["prlimit", ["--nofile=48:48", bin, "--port", "0", ...args]]
    : [bin, ["--port", "0", ...args]];
  const proc = spawn(cmd, cmdArgs, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (d) => { stderr += d; });
  const port = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("server did not start: " + stderr)), 10000);
    proc.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on [\d.]+:(\d+)/);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    proc.on("exit", (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  return {
    port,
    url: `ws://127.0.0.1:${port}/socket`,
    http: `http://127.0.0.1:${port}`,
    proc,
    stderr: () => stderr,
    async stop(signal = "SIGTERM") {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill("SIGKILL"), 10000);
      const [code] = await once(proc, "exit");
      clearTimeout(timer);
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

/** A raw WebSocket client that records every frame (text as string, binary as Buffer). */
export class RawClient {
  static async open(url, options = {}) {
    const c = new RawClient(url, options);
    await c.opened;
    return c;
  }
  constructor(url, { protocols, headers } = {}) {
    this.frames = [];
    this.waiters = [];
    this.ws = new WebSocket(url, protocols, { headers });
    this.closed = new Promise((resolve) => this.ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    this.opened = new Promise((resolve, reject) => {
      this.ws.on("open", resolve);
      this.ws.on("unexpected-response", (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
      this.ws.on("error", reject);
    });
    this.ws.on("message", (data, isBinary) => {
      this.frames.push(isBinary ? Buffer.from(data) : data.toString());
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
