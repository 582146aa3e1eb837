#!/usr/bin/env python3
"""Runs chorus's standard load scenarios against a running Phoenix-protocol server and
prints a table (and, with --json, one JSON document).

    bench/run_scenarios.py --url ws://127.0.0.1:4000/socket [--conns 10000] [--pin 1]

The server must allow 257 subscribers on one topic and --topics topics (chorus:
--max-subscribers 1024 --max-topics 1024). RSS per connection is only meaningful on a
freshly started server (the conns scenario runs last). --pin N runs the load generator
on core N (taskset), so it does not share a core with a pinned server.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def find_bench(explicit):
    for candidate in [explicit, os.path.join(HERE, "..", "build", "bench", "chorus_bench")]:
        if candidate and os.path.exists(candidate):
            return candidate
    sys.exit("chorus_bench not found: build the project (scripts/build.sh) or pass --bench")


def run(bench, pin, args):
    cmd = ([("taskset"), "-c", str(pin)] if pin is not None else []) + [bench] + args
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
    if not lines:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    result = json.loads(lines[-1])
    result["exit_code"] = proc.returncode
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", default="ws://127.0.0.1:4000/socket")
    p.add_argument("--bench", help="path to chorus_bench")
    p.add_argument("--duration", type=float, default=10)
    p.add_argument("--conns", type=int, default=10000)
    p.add_argument("--topics", type=int, default=100)
    p.add_argument("--rate", type=int, default=1000, help="msgs/s for the latency scenario")
    p.add_argument("--pin", type=int, help="core for the load generator")
    p.add_argument("--server-pid", default="auto")
    p.add_argument("--json", action="store_true", help="print the results as JSON too")
    a = p.parse_args()
    bench = find_bench(a.bench)
    common = ["--url", a.url, "--duration", str(a.duration), "--server-pid", a.server_pid]
    results = {}
    scenarios = [
        ("fanout 64 B, window 32", ["fanout", "--subs", "256", "--payload", "64", "--window", "32"] + common),
        ("fanout 512 B, window 32", ["fanout", "--subs", "256", "--payload", "512", "--window", "32"] + common),
        (f"fanout 64 B at {a.rate} msg/s", ["fanout", "--subs", "256", "--payload", "64", "--rate", str(a.rate)] + common),
        ("rpc, 50 clients", ["rpc", "--clients", "50"] + common),
        (f"{a.conns} idle joined connections", ["conns", "--conns", str(a.conns), "--topics", str(a.topics), "--hold", "5",
                                                "--url", a.url, "--server-pid", a.server_pid]),
    ]
    rows = []
    for name, args in scenarios:
        print(f"running: {name} ...", file=sys.stderr)
        r = run(bench, a.pin, args)
        results[name] = r
        if r["mode"] == "fanout":
            lat = r["latency"]
            rows.append((name, f"{r['delivered_per_sec'] / 1e6:.2f} M frames/s", f"{lat['p50_us'] / 1000:.2f} / {lat['p99_us'] / 1000:.2f} ms",
                         f"lost {r['lost']}, extra {r['extra']}, server cpu {r['server_cpu_pct']:.0f}%"))
        elif r["mode"] == "rpc":
            lat = r["latency"]
            rows.append((name, f"{r['replies_per_sec'] / 1e3:.1f} k replies/s", f"{lat['p50_us'] / 1000:.2f} / {lat['p99_us'] / 1000:.2f} ms",
                         f"errors {r['errors']}, server cpu {r['server_cpu_pct']:.0f}%"))
        else:
            lat = r["join_latency"]
            per = r["bytes_per_conn"]
            rows.append((name, f"{per / 1024:.2f} KB RSS/conn" if per >= 0 else "RSS n/a",
                         f"join {lat['p50_us'] / 1000:.2f} / {lat['p99_us'] / 1000:.2f} ms", f"failures {r['failures']}"))
    widths = [max(len(row[i]) for row in rows + [("scenario", "result", "p50 / p99", "checks")]) for i in range(4)]
    header = ("scenario", "result", "p50 / p99", "checks")
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("-|-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths)))
    if a.json:
        print(json.dumps(results))
    return 0 if all(r["exit_code"] == 0 for r in results.values()) else 3


if __name__ == "__main__":
    sys.exit(main())
