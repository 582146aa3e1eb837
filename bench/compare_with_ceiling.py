#!/usr/bin/env python3
"""chorus next to the machine's limit, on this box, with the instruments in bench/:
chorus_bench (the load generator) against ceiling_server (a minimal single-threaded epoll
server, the most this machine gives) and against chorus (the chat example, or another
server binary with --server). Server on core 0, load generator on core 1; ceiling and
chorus runs alternated, each pair's ratio printed, then the median ratio per scenario.

    bench/compare_with_ceiling.py [--pairs 3] [--duration 10] [--only fanout64,rpc,...]
                                  [--server-args "--io-threads 1"] [--json]

Scenarios (names for --only): fanout64, fanout512 (256 subscribers, window 32: frames/s
delivered), p99 (1000 msg/s × 256: p99 latency, µs; lower is better), rpc (50 clients:
replies/s), memory (10 000 idle joined connections over 100 topics: RSS bytes per
connection, each server freshly started; lower is better). Growth (--only growth):
subs16 … subs4096 (fan-out with 16 → 4096 subscribers on one topic), topics1 … topics1000
(1000 subscribers spread over 1 → 1000 topics, one publisher on all of them), joins1000 and
joins4000 (connect + join p99 of 2 000 connections opened at that rate, fresh servers),
loaded19000 (the 256-subscriber fan-out while 19 000 idle joined connections are held),
wss_fanout64, wss_rpc and wss_memory (both servers with the same self-signed certificate).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, "..", "build")
BENCH = os.path.join(BUILD, "bench", "chorus_bench")
CEILING = os.path.join(BUILD, "bench", "ceiling_server")
CHAT = os.path.join(BUILD, "examples", "chat", "chat_server")
CHORUS_LIMITS = ["--max-subscribers", "8192", "--max-topics", "2048", "--max-channels-per-socket", "1024"]


class Server:
    def __init__(self, argv, port):
        self.port = port
        self.proc = subprocess.Popen(["taskset", "-c", "0"] + argv + ["--port", str(port)],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        deadline = time.time() + 10
        line = self.proc.stdout.readline()
        if "listening on" not in line or time.time() > deadline:
            sys.exit(f"{argv[0]} did not start: {line!r}")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def bench(port, args, scheme="ws"):
    cmd = ["taskset", "-c", "1", BENCH] + args + ["--url", f"{scheme}://127.0.0.1:{port}/socket",
                                                   "--server-pid", "auto"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    if not lines:
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr}")
    d = json.loads(lines[-1])
    if d.get("lost", 0) or d.get("extra", 0) or d.get("errors", 0):
        print(f"  warning: {' '.join(args)}: lost {d.get('lost')} extra {d.get('extra')} errors {d.get('errors')}")
    return d


def fanout(subs, payload, dur, extra=()):
    return ["fanout", "--subs", str(subs), "--payload", str(payload), "--window", "32", "--duration", str(dur), *extra]


SCENARIOS = {
    # name: (label, chorus_bench args(dur), figure(d), higher is better, fresh server per run)
    "fanout64": ("fan-out 256 subs × 64 B, window 32 (frames/s)", lambda dur: fanout(256, 64, dur),
                 lambda d: d["delivered_per_sec"], True, False),
    "fanout512": ("fan-out 256 subs × 512 B, window 32 (frames/s)", lambda dur: fanout(256, 512, dur),
                  lambda d: d["delivered_per_sec"], True, False),
    "p99": ("p99 at 1000 msg/s × 256 subs (µs)",
            lambda dur: ["fanout", "--subs", "256", "--rate", "1000", "--duration", str(dur)],
            lambda d: d["latency"]["p99_us"], False, False),
    "rpc": ("request/reply, 50 clients (replies/s)", lambda dur: ["rpc", "--clients", "50", "--duration", str(dur)],
            lambda d: d["replies_per_sec"], True, False),
    "memory": ("idle joined connection, 10 000 over 100 topics (RSS bytes)",
               lambda dur: ["conns", "--conns", "10000", "--topics", "100", "--hold", "3"],
               lambda d: d["bytes_per_conn"], False, True),
}
for n in (16, 64, 256, 1024, 4096):
    SCENARIOS[f"subs{n}"] = (f"fan-out {n} subs × 64 B, window 32 (frames/s)",
                             (lambda n: lambda dur: fanout(n, 64, dur))(n), lambda d: d["delivered_per_sec"], True, False)
for t in (1, 10, 100, 1000):
    SCENARIOS[f"topics{t}"] = (f"fan-out 1000 subs over {t} topics × 64 B, window 32 (frames/s)",
                               (lambda t: lambda dur: fanout(1000, 64, dur, ("--fanout-topics", str(t))))(t),
                               lambda d: d["delivered_per_sec"], True, False)
for rate in (1000, 4000):
    SCENARIOS[f"joins{rate}"] = (f"connect + join p99, 2000 conns at {rate}/s (µs)",
                                 (lambda rate: lambda dur: ["conns", "--conns", "2000", "--topics", "20", "--conn-rate",
                                                            str(rate), "--hold", "1"])(rate),
                                 lambda d: d["join_latency"]["p99_us"], False, True)
# With 19 000 idle joined connections held by a second chorus_bench (fresh servers): the
# 256-subscriber fan-out while the server also carries them.
SCENARIOS["loaded19000"] = ("fan-out 256 subs × 64 B beside 19 000 idle joined connections (frames/s)",
                            lambda dur: fanout(256, 64, dur), lambda d: d["delivered_per_sec"], True, True,
                            {"background": ["conns", "--conns", "19000", "--topics", "100", "--conn-rate", "4000",
                                            "--hold", "600"]})
# Over TLS (wss): both servers get the same self-signed certificate.
SCENARIOS["wss_fanout64"] = ("wss fan-out 256 subs × 64 B, window 32 (frames/s)", lambda dur: fanout(256, 64, dur),
                             lambda d: d["delivered_per_sec"], True, True, {"tls": True})
SCENARIOS["wss_memory"] = ("wss idle joined connection, 5 000 over 50 topics (RSS bytes)",
                           lambda dur: ["conns", "--conns", "5000", "--topics", "50", "--conn-rate", "1000", "--hold", "3"],
                           lambda d: d["bytes_per_conn"], False, True, {"tls": True})
SCENARIOS["wss_rpc"] = ("wss request/reply, 50 clients (replies/s)",
                        lambda dur: ["rpc", "--clients", "50", "--duration", str(dur)],
                        lambda d: d["replies_per_sec"], True, True, {"tls": True})
CORE = ["fanout64", "fanout512", "p99", "rpc", "memory"]
GROWTH = ([f"subs{n}" for n in (16, 64, 256, 1024, 4096)] + [f"topics{t}" for t in (1, 10, 100, 1000)] +
          ["joins1000", "joins4000", "loaded19000", "wss_fanout64", "wss_rpc", "wss_memory"])


def open_descriptors(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def hold_connections(port, args, server_pid, want):
    """Starts a second chorus_bench that holds idle joined connections; returns once the
    server has `want` descriptors open (or after 60 s)."""
    holder = subprocess.Popen(["taskset", "-c", "1", BENCH] + args + ["--url", f"ws://127.0.0.1:{port}/socket"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while open_descriptors(server_pid) < want and time.time() < deadline and holder.poll() is None:
        time.sleep(0.5)
    time.sleep(1)  # the last joins
    held = open_descriptors(server_pid)
    if held < want:
        print(f"  warning: the server holds only {held} descriptors (wanted {want})", flush=True)
    return holder


_certificate = []


def certificate():
    """A self-signed certificate and key for the wss scenarios (made once per run)."""
    if not _certificate:
        d = tempfile.mkdtemp(prefix="chorus-bench-tls-")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{d}/key.pem",
                        "-out", f"{d}/cert.pem", "-days", "1", "-subj", "/CN=localhost"],
                       check=True, capture_output=True)
        _certificate.extend(["--tls-cert", f"{d}/cert.pem", "--tls-key", f"{d}/key.pem"])
    return _certificate


def run_pairs(name, pairs, dur, chorus_argv, servers, results):
    label, args, figure, higher, fresh = SCENARIOS[name][:5]
    opts = SCENARIOS[name][5] if len(SCENARIOS[name]) > 5 else {}
    background = opts.get("background")
    tls = certificate() if opts.get("tls") else []
    ratios, rows = [], []
    for i in range(pairs):
        figs = {}
        for kind in ("ceiling", "chorus"):
            argv = ([CEILING] if kind == "ceiling" else chorus_argv) + tls
            port = (4100 if kind == "ceiling" else 4200) + (1 if fresh else 0)
            srv = Server(argv, port) if fresh else servers[kind]
            holder = hold_connections(port, background, srv.proc.pid, 19000) if background else None
            try:
                figs[kind] = figure(bench(port, args(dur), "wss" if tls else "ws"))
            finally:
                if holder:
                    holder.kill()
                    holder.wait()
                if fresh:
                    srv.stop()
        r = figs["chorus"] / figs["ceiling"] if figs["ceiling"] else float("nan")
        ratios.append(r)
        rows.append(figs)
        print(f"{label:55s} pair {i + 1}: ceiling {figs['ceiling']:>10.0f}  chorus {figs['chorus']:>10.0f}"
              f"  chorus/ceiling {r:.3f}", flush=True)
    med = statistics.median(ratios)
    print(f"{label:55s} median chorus/ceiling {med:.3f}", flush=True)
    results[name] = {"label": label, "pairs": rows, "median_ratio": med, "higher_is_better": higher}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pairs", type=int, default=3)
    p.add_argument("--duration", type=float, default=10)
    p.add_argument("--only", help="comma-separated scenario names (default: the core five); 'growth' for the growth set")
    p.add_argument("--server", default=CHAT, help="chorus server binary (default: the chat example)")
    p.add_argument("--server-args", default="", help="extra flags for the chorus server")
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    names = CORE if not a.only else [n for part in a.only.split(",") for n in (GROWTH if part == "growth" else [part])]
    for n in names:
        if n not in SCENARIOS:
            sys.exit(f"unknown scenario {n}; known: {', '.join(SCENARIOS)}")
    chorus_argv = [a.server] + CHORUS_LIMITS + a.server_args.split()
    servers = {}
    results = {}
    try:
        if any(not SCENARIOS[n][4] for n in names):
            servers = {"ceiling": Server([CEILING], 4100), "chorus": Server(chorus_argv, 4200)}
        for n in names:
            run_pairs(n, a.pairs, a.duration, chorus_argv, servers, results)
    finally:
        for srv in servers.values():
            srv.stop()
    if a.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
