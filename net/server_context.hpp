#pragma once
// What every session of a server shares (read-mostly; counters are atomic).
#include <array>
#include <atomic>
#include <memory>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "actors/endpoint.hpp"
#include "net/server_options.hpp"
#include "net/static_files.hpp"
#include "protocol/upgrade_request.hpp"

namespace chorus::net_detail {

/// Why an HTTP request got no WebSocket (/metrics chorus_connections_refused_total{reason}).
enum class http_refusal : std::uint8_t {
  bad_request,
  bad_handshake,  // Sec-WebSocket-Version not 13 (426) or a malformed Sec-WebSocket-Key (400)
  header_too_large,
  method_not_allowed,
  no_socket_path,
  origin_not_allowed,
  bad_query,
  unsupported_vsn,
  bad_subprotocol,
  too_many_connections,
  connect_refused,  // the app's connect callback said no
  count_
};
const char* to_string(http_refusal r) noexcept;

/// A frame refused by the WebSocket layer itself (before any JSON): the connection closes.
enum class bad_frame : std::uint8_t { message_too_big, invalid_utf8, protocol_violation, count_ };
const char* to_string(bad_frame b) noexcept;

struct server_context {
  server_options options;
  channel_endpoint& endpoint;
  protocol::mount_path mount;
  static_files files;
  std::atomic<std::uint64_t> next_conn_id{1};  // log lines name a connection by it
  std::atomic<std::size_t> sessions{0};     // TCP connections we hold
  std::atomic<std::size_t> websockets{0};   // upgraded and open
  std::atomic<std::uint64_t> slow_consumers{0};
  std::atomic<std::uint64_t> http_refusals{0};
  std::atomic<std::uint64_t> paused_reads{0};  // times a flooding client stopped being read
  std::atomic<std::uint64_t> queued_bytes_peak{0};  // largest outbound queue any connection had
  std::atomic<std::uint64_t> dropped_frames{0};  // slow_consumer_policy::drop
  std::atomic<std::uint64_t> tls_failures{0};    // TLS handshakes that failed
  std::atomic<std::uint64_t> handshake_timeouts{0};
  std::array<std::atomic<std::uint64_t>, std::size_t(http_refusal::count_)> refusals{};
  std::array<std::atomic<std::uint64_t>, std::size_t(bad_frame::count_)> bad_frames{};
  std::atomic<bool> draining{false};
  std::unique_ptr<boost::asio::ssl::context> tls;  // null: plain TCP
  std::vector<const std::atomic<std::int64_t>*> loop_queued_bytes;  // one per io thread

  void count(http_refusal r) noexcept { refusals[std::size_t(r)].fetch_add(1, std::memory_order_relaxed); }
  void count(bad_frame b) noexcept { bad_frames[std::size_t(b)].fetch_add(1, std::memory_order_relaxed); }

  /// Bytes waiting in every connection's outbound queue right now.
  std::int64_t queued_bytes() const {
    std::int64_t sum = 0;
    for (auto* n : loop_queued_bytes) sum += n->load(std::memory_order_relaxed);
    return sum;
  }
};

} // namespace chorus::net_detail
