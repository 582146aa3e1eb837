// The admin page: reads /metrics (Prometheus text format) once a second and shows the
// node's gauges, rates (change since the previous read) and non-zero totals.
"use strict";

/** Parses the text exposition format into [{name, labels, value}] (comments skipped). */
function parseMetrics(text) {
  const samples = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/);
    if (!m) continue;
    const labels = {};
    if (m[3]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
      let l;
      while ((l = re.exec(m[3]))) labels[l[1]] = l[2].replace(/\\(.)/g, (_, c) => (c === "n" ? "\n" : c));
    }
    samples.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return samples;
}

const sum = (samples, name, where = () => true) =>
  samples.filter((s) => s.name === name && where(s.labels)).reduce((a, s) => a + s.value, 0);

/** A quantile from the bucket counts gained since the previous read (linear within a bucket). */
function quantile(q, now, before, name) {
  const buckets = now.filter((s) => s.name === `${name}_bucket`).map((s) => {
    const prev = before.find((b) => b.name === s.name && b.labels.le === s.labels.le);
    return { le: s.labels.le === "+Inf" ? Infinity : Number(s.labels.le), count: s.value - (prev ? prev.value : 0) };
  });
  const total = buckets.length ? buckets[buckets.length - 1].count : 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lower = 0, below = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return lower;
      return lower + (b.le - lower) * ((rank - below) / Math.max(1, b.count - below));
    }
    lower = b.le;
    below = b.count;
  }
  return lower;
}

const fmt = (n) => (n >= 1e6 ? (n / 1e6).toFixed(2) + " M" : n >= 1e4 ? (n / 1e3).toFixed(1) + " k" : String(Math.round(n)));
const ms = (s) => (s === null ? "—" : (s * 1000).toFixed(2) + " ms");
const set = (id, text) => { document.getElementById(id).textContent = text; };

let previous = null;
let updates = 0;

async function refresh() {
  const started = performance.now();
  let samples;
  try {
    const res = await fetch("/metrics", { cache: "no-store" });
    samples = parseMetrics(await res.text());
  } catch (e) {
    set("status", "cannot read /metrics: " + e.message);
    return;
  }
  const at = Date.now();
  set("connections", fmt(sum(samples, "chorus_connections")));
  set("tcp", fmt(sum(samples, "chorus_tcp_connections")));
  set("topics", fmt(sum(samples, "chorus_topics")));
  set("subscribers", fmt(sum(samples, "chorus_subscribers")));
  set("queued", fmt(sum(samples, "chorus_outbound_queued_bytes")));
  set("draining", sum(samples, "chorus_draining") ? "yes" : "no");
  if (previous) {
    const secs = Math.max(0.001, (at - previous.at) / 1000);
    const rate = (name) => Math.max(0, (sum(samples, name) - sum(previous.samples, name)) / secs);
    set("frames-in-rate", fmt(rate("chorus_frames_received_total")));
    set("frames-out-rate", fmt(rate("chorus_frames_sent_total")));
    set("bytes-out-rate", fmt(rate("chorus_sent_bytes_total")));
    set("broadcasts-rate", fmt(rate("chorus_broadcasts_total")));
    set("joins-rate", fmt(rate("chorus_joins_total")));
    set("join-p99", ms(quantile(0.99, samples, previous.samples, "chorus_join_duration_seconds")));
    set("fanout-p99", ms(quantile(0.99, samples, previous.samples, "chorus_broadcast_fanout_duration_seconds")));
  }
  // non-zero counters, one row per labelled sample
  const totals = document.getElementById("totals");
  totals.replaceChildren();
  for (const s of samples) {
    if (!s.name.endsWith("_total") || s.name.startsWith("chorus_cluster_") || s.value === 0) continue;
    const row = totals.insertRow();
    const label = Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(", ");
    row.insertCell().outerHTML = `<th></th>`;
    row.cells[0].textContent = s.name.replace(/^chorus_/, "").replace(/_total$/, "") + (label ? ` (${label})` : "");
    row.insertCell().textContent = fmt(s.value);
  }
  const peers = [...new Set(samples.filter((s) => s.name === "chorus_cluster_peer_up").map((s) => s.labels.peer))];
  document.getElementById("cluster").hidden = peers.length === 0;
  const table = document.getElementById("peers");
  table.replaceChildren();
  for (const peer of peers) {
    const row = table.insertRow();
    const of = (name) => sum(samples, name, (l) => l.peer === peer);
    row.insertCell().textContent = peer;
    row.insertCell().textContent = of("chorus_cluster_peer_up") ? "up" : "down";
    row.insertCell().textContent = `${fmt(of("chorus_cluster_items_sent_total"))} sent`;
    row.insertCell().textContent = `${fmt(of("chorus_cluster_items_received_total"))} received`;
    row.insertCell().textContent = `${fmt(of("chorus_cluster_dropped_total"))} dropped`;
  }
  previous = { at, samples };
  document.body.dataset.updates = String(++updates);
  set("status", `updated ${new Date(at).toLocaleTimeString()} (${Math.round(performance.now() - started)} ms)`);
}

refresh();
setInterval(refresh, 1000);
