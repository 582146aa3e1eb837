// /metrics scraped by real Prometheus parsers (Prometheus's own `promtool check metrics`
// from Debian, and parse-prometheus-text-format from npm) after traffic whose counts the
// test knows; structured log lines (--log-format json|logfmt) and their rate limit.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { RawClient, metricValue as value, scrapeMetrics as scrape, startServer, sleep, until } from "./helpers.mjs";

describe("/metrics", () => {
  let server;
  before(async () => { server = await startServer("chat"); });
  after(async () => { assert.equal(await server.stop(), 0); });

  it("counts what the test did, and promtool accepts every line", async () => {
    const a = await RawClient.open(`${server.url}/websocket?vsn=2.0.0`);
    const b = await RawClient.open(`${server.url}/websocket?vsn=2.0.0`);
    a.send(["1", "1", "room:m", "phx_join", {}]);
    b.send(["1", "1", "room:m", "phx_join", {}]);
    await a.take(1);
    await b.take(1);
    a.send(["2", "2", "nowhere:1", "phx_join", {}]);  // unmatched topic
    await a.take(1);
    for (let i = 0; i < 5; i++) a.send(["1", String(10 + i), "room:m", "new_msg", { body: `m${i}` }]);
    a.send(["1", "20", "room:m", "ping", { n: 1 }]);
    await a.take(6);
    await b.take(5);
    // refused upgrades and a bad frame
    await assert.rejects(RawClient.open(`${server.url}/websocket?vsn=9.9.9`), /HTTP 403/);
    await assert.rejects(RawClient.open(`${server.url}/websocket?vsn=2.0.0`, { headers: { Origin: "http://evil.example" } }), /HTTP 403/);
    const bad = await RawClient.open(`${server.url}/websocket?vsn=2.0.0`);
    bad.send("not json");
    assert.equal((await bad.closed).code, 1007);

    const { families } = await until("the counters settled", 3000, async () => {
      const s = await scrape(server);
      return value(s.families, "chorus_broadcasts_total") >= 5 ? s : null;
    });
    assert.equal(value(families, "chorus_connections"), 2);
    assert.equal(value(families, "chorus_connections_accepted_total"), 3);
    assert.equal(value(families, "chorus_connections_refused_total", { reason: "unsupported_vsn" }), 1);
    assert.equal(value(families, "chorus_connections_refused_total", { reason: "origin_not_allowed" }), 1);
    assert.equal(value(families, "chorus_joins_total", { result: "ok" }), 2);
    assert.equal(value(families, "chorus_joins_total", { result: "unmatched_topic" }), 1);
    assert.equal(value(families, "chorus_topics"), 1);
    assert.equal(value(families, "chorus_subscribers"), 2);
    assert.equal(value(families, "chorus_broadcasts_total"), 5);
    assert.equal(value(families, "chorus_bad_input_closes_total", { kind: "invalid_json" }), 1);
    assert.equal(value(families, "chorus_replies_total", { status: "ok" }), 3);  // 2 joins + ping
    assert.equal(value(families, "chorus_replies_total", { status: "error" }), 1);
    assert.ok(value(families, "chorus_frames_received_total") >= 10);
    assert.ok(value(families, "chorus_sent_bytes_total") > 0);
    assert.equal(value(families, "chorus_draining"), 0);
    const joins = value(families, "chorus_join_duration_seconds");
    assert.equal(Number(joins.count), 3);  // every join, whatever its result
    assert.equal(Number(joins.buckets["+Inf"]), 3);
    assert.equal(Number(joins.buckets["5"]), 3);  // each under 5 s
    assert.ok(Number(joins.sum) > 0 && Number(joins.sum) < 15);
    const fanout = value(families, "chorus_broadcast_fanout_duration_seconds");
    assert.equal(Number(fanout.count), 5);

    // leaving moves the gauges back
    b.send(["1", "30", "room:m", "phx_leave", {}]);
    await b.take(1);
    const later = await until("the leave counted", 3000, async () => {
      const s = await scrape(server);
      return value(s.families, "chorus_leaves_total") === 1 ? s : null;
    });
    assert.equal(value(later.families, "chorus_subscribers"), 1);
    a.close();
    b.close();
  });
});

describe("structured logs", () => {
  it("--log-format json: one JSON object per line, with the connection's peer and conn", async () => {
    const server = await startServer("chat", ["--log-format", "json"]);
    try {
      const c = await RawClient.open(`${server.url}/websocket?vsn=2.0.0`);
      c.send("[[[");
      await c.closed;
      await until("the bad frame logged", 3000, async () => server.stderr().includes("invalid_json"));
      const lines = server.stderr().trim().split("\n").map((l) => JSON.parse(l));  // every line parses
      const bad = lines.find((l) => l.msg.startsWith("invalid_json"));
      assert.equal(bad.level, "warn");
      assert.equal(bad.component, "socket");
      assert.match(bad.peer, /^127\.0\.0\.1:\d+$/);
      assert.equal(typeof bad.conn, "number");
      assert.match(bad.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });

  it("a flood of bad clients is cut to --log-rate lines, the rest counted", async () => {
    const server = await startServer("chat", ["--log-format", "logfmt", "--log-rate", "5"]);
    try {
      for (let i = 0; i < 40; i++) {
        const c = await RawClient.open(`${server.url}/websocket?vsn=2.0.0`);
        c.send("not json");
        await c.closed;
      }
      const socketLines = server.stderr().split("\n").filter((l) => l.includes("component=socket"));
      assert.ok(socketLines.length >= 5 && socketLines.length <= 12, `${socketLines.length} lines`);
      for (const l of socketLines) assert.match(l, /^ts=\S+ level=warn component=socket msg="invalid_json: .*" peer=127\.0\.0\.1:\d+ conn=\d+/);
      const { families } = await scrape(server);
      const suppressed = value(families, "chorus_log_lines_suppressed_total");
      assert.ok(suppressed >= 28, `${suppressed} suppressed`);
      assert.equal(value(families, "chorus_bad_input_closes_total", { kind: "invalid_json" }), 40);
      // once the bucket refills, the next line says how many were lost
      await sleep(400);
      const c = await RawClient.open(`${server.url}/websocket?vsn=2.0.0`);
      c.send("not json");
      await c.closed;
      await until("the summary line", 3000, async () => /component=socket .* suppressed=\d+/.test(server.stderr()));
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });
});
