#include "net/metrics_page.hpp"

#include "actors/log.hpp"
#include "actors/runtime_stats.hpp"
#include "net/prometheus_text.hpp"
#include "net/server_context.hpp"

namespace chorus::net_detail {

namespace {

std::uint64_t get(const std::atomic<std::uint64_t>& n) { return n.load(std::memory_order_relaxed); }

/// A counter family with one sample per value of an enum-indexed array.
template <class Enum, class Array>
void by_label(prometheus_text& out, std::string_view name, std::string_view label, std::string_view help,
              const Array& counts, Enum last) {
  out.family(name, "counter", help);
  for (std::size_t i = 0; i < std::size_t(last); ++i)
    out.sample(name, get(counts[i]), {{label, to_string(Enum(i))}});
}

void cluster_families(prometheus_text& out, const runtime_stats& stats) {
  std::lock_guard<std::mutex> lock{stats.cluster_mutex};
  if (stats.node_name.empty()) return;
  out.family("chorus_cluster_peer_up", "gauge", "1 while the peer node is connected");
  for (auto& [name, p] : stats.peers) out.sample("chorus_cluster_peer_up", std::uint64_t{p.up}, {{"peer", name}});
  struct field {
    const char* name;
    const char* type;
    const char* help;
    std::uint64_t peer_counters::*value;
  };
  static const field fields[] = {
    {"chorus_cluster_peer_queued_bytes", "gauge", "bytes queued for the peer or sent and not yet acknowledged",
     &peer_counters::queued_bytes},
    {"chorus_cluster_peer_interest_topics", "gauge", "the peer's topics with subscribers", &peer_counters::interest},
    {"chorus_cluster_batches_sent_total", "counter", "batches sent to the peer", &peer_counters::batches_out},
    {"chorus_cluster_items_sent_total", "counter", "broadcasts sent to the peer", &peer_counters::items_out},
    {"chorus_cluster_batches_received_total", "counter", "batches received from the peer", &peer_counters::batches_in},
    {"chorus_cluster_items_received_total", "counter", "broadcasts received from the peer", &peer_counters::items_in},
    {"chorus_cluster_dropped_total", "counter", "broadcasts not sent to the peer (byte cap or cut)",
     &peer_counters::dropped},
    {"chorus_cluster_peer_ups_total", "counter", "times the peer came up", &peer_counters::ups},
    {"chorus_cluster_peer_downs_total", "counter", "times the peer went down", &peer_counters::downs},
    {"chorus_cluster_seq_gaps_total", "counter", "batches from the peer that did not follow the previous one",
     &peer_counters::seq_gaps},
    {"chorus_cluster_bad_items_total", "counter", "payloads from the peer that did not parse",
     &peer_counters::bad_items},
  };
  for (auto& f : fields) {
    out.family(f.name, f.type, f.help);
    for (auto& [name, p] : stats.peers) out.sample(f.name, p.*(f.value), {{"peer", name}});
  }
}

} // namespace

std::string render_metrics(const server_context& server, const runtime_stats& stats) {
  prometheus_text out;
  auto gauge = [&](std::string_view name, std::string_view help, std::uint64_t v) {
    out.family(name, "gauge", help);
    out.sample(name, v);
  };
  auto counter = [&](std::string_view name, std::string_view help, std::uint64_t v) {
    out.family(name, "counter", help);
    out.sample(name, v);
  };
  // connections
  gauge("chorus_connections", "open WebSocket connections that passed the connect callback", get(stats.connections));
  gauge("chorus_tcp_connections", "TCP connections held (HTTP, upgrading, open, closing)", server.sessions.load());
  counter("chorus_connections_accepted_total", "WebSocket connections accepted", get(stats.connections_total));
  by_label(out, "chorus_connections_refused_total", "reason", "upgrade requests refused with an HTTP status",
           server.refusals, http_refusal::count_);
  counter("chorus_handshake_timeouts_total", "connections cut for not finishing the upgrade in time",
          get(server.handshake_timeouts));
  counter("chorus_tls_handshake_failures_total", "TLS handshakes that failed", get(server.tls_failures));
  gauge("chorus_draining", "1 while the server drains (stopping)", server.draining.load() ? 1 : 0);
  // channels and topics
  by_label(out, "chorus_joins_total", "result", "phx_join requests by result", stats.joins, join_outcome::count_);
  counter("chorus_leaves_total", "joined channels that ended (leave, close, crash, heartbeat)", get(stats.leaves));
  gauge("chorus_topics", "live topics on this node", get(stats.topics));
  gauge("chorus_subscribers", "subscriptions to this node's live topics", get(stats.subscribers));
  counter("chorus_broadcasts_total", "broadcasts fanned out by this node's topics", get(stats.broadcasts));
  by_label(out, "chorus_replies_total", "status", "phx_reply frames sent, by status", stats.replies,
           reply_status::count_);
  // traffic
  counter("chorus_frames_received_total", "WebSocket messages received", get(stats.frames_in));
  counter("chorus_frames_sent_total", "WebSocket messages sent", get(stats.frames_out));
  counter("chorus_received_bytes_total", "payload bytes of the messages received", get(stats.bytes_in));
  counter("chorus_sent_bytes_total", "bytes of the messages sent, framing included", get(stats.bytes_out));
  gauge("chorus_outbound_queued_bytes", "bytes waiting in every connection's outbound queue",
        std::uint64_t(std::max<std::int64_t>(0, server.queued_bytes())));
  // flow control and bad input
  counter("chorus_slow_consumer_closes_total", "connections closed 1013 at the outbound cap",
          get(server.slow_consumers));
  counter("chorus_slow_consumer_dropped_frames_total", "frames dropped at the outbound cap (policy drop)",
          get(server.dropped_frames));
  counter("chorus_paused_reads_total", "times a flooding client stopped being read", get(server.paused_reads));
  out.family("chorus_bad_input_closes_total", "counter", "connections closed for an undecodable frame, by kind");
  using protocol::error_kind;
  for (auto kind : {error_kind::invalid_json, error_kind::too_deep, error_kind::invalid_utf8, error_kind::wrong_shape,
                    error_kind::bad_field_type, error_kind::bad_binary_frame, error_kind::binary_not_supported})
    out.sample("chorus_bad_input_closes_total", get(stats.bad_frames[std::size_t(kind)]),
               {{"kind", protocol::to_string(kind)}});
  for (std::size_t i = 0; i < std::size_t(bad_frame::count_); ++i)
    out.sample("chorus_bad_input_closes_total", get(server.bad_frames[i]), {{"kind", to_string(bad_frame(i))}});
  counter("chorus_heartbeat_expiries_total", "connections closed 1001 after heartbeat_timeout of silence",
          stats.get(refusal::heartbeat_timeout));
  by_label(out, "chorus_refusals_total", "kind", "requests answered with an error or dropped, by kind",
           stats.refusals, refusal::count_);
  counter("chorus_log_lines_suppressed_total", "log lines dropped by the rate limit", log_lines_suppressed());
  // latency
  out.family("chorus_join_duration_seconds", "histogram", "phx_join received to its reply decided");
  out.histogram("chorus_join_duration_seconds", stats.join_duration);
  out.family("chorus_broadcast_fanout_duration_seconds", "histogram",
             "one broadcast handed to every local subscriber by its topic");
  out.histogram("chorus_broadcast_fanout_duration_seconds", stats.fanout_duration);
  cluster_families(out, stats);
  return out.text();
}

const char* to_string(http_refusal r) noexcept {
  switch (r) {
    case http_refusal::bad_request: return "bad_request";
    case http_refusal::header_too_large: return "header_too_large";
    case http_refusal::method_not_allowed: return "method_not_allowed";
    case http_refusal::no_socket_path: return "no_socket_path";
    case http_refusal::origin_not_allowed: return "origin_not_allowed";
    case http_refusal::bad_query: return "bad_query";
    case http_refusal::unsupported_vsn: return "unsupported_vsn";
    case http_refusal::bad_subprotocol: return "bad_subprotocol";
    case http_refusal::bad_handshake: return "bad_handshake";
    case http_refusal::too_many_connections: return "too_many_connections";
    case http_refusal::connect_refused: return "connect_refused";
    case http_refusal::count_: break;
  }
  return "?";
}

const char* to_string(bad_frame b) noexcept {
  switch (b) {
    case bad_frame::message_too_big: return "message_too_big";
    case bad_frame::invalid_utf8: return "invalid_utf8_frame";
    case bad_frame::protocol_violation: return "protocol_violation";
    case bad_frame::count_: break;
  }
  return "?";
}

} // namespace chorus::net_detail
