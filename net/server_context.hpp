#pragma once
// What every session of a server shares (read-mostly; counters are atomic).
#include <atomic>
#include <memory>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "actors/endpoint.hpp"
#include "net/server_options.hpp"
#include "net/static_files.hpp"
#include "protocol/upgrade_request.hpp"

namespace chorus::net_detail {

struct server_context {
  server_options options;
  channel_endpoint& endpoint;
  protocol::mount_path mount;
  static_files files;
  std::atomic<std::size_t> sessions{0};     // TCP connections we hold
  std::atomic<std::size_t> websockets{0};   // upgraded and open
  std::atomic<std::uint64_t> slow_consumers{0};
  std::atomic<std::uint64_t> http_refusals{0};
  std::atomic<std::uint64_t> paused_reads{0};  // times a flooding client stopped being read
  std::atomic<std::uint64_t> queued_bytes_peak{0};  // largest outbound queue any connection had
  std::atomic<std::uint64_t> dropped_frames{0};  // slow_consumer_policy::drop
  std::atomic<std::uint64_t> tls_failures{0};    // TLS handshakes that failed
  std::unique_ptr<boost::asio::ssl::context> tls;  // null: plain TCP
  std::vector<const std::atomic<std::int64_t>*> loop_queued_bytes;  // one per io thread

  /// Bytes waiting in every connection's outbound queue right now.
  std::int64_t queued_bytes() const {
    std::int64_t sum = 0;
    for (auto* n : loop_queued_bytes) sum += n->load(std::memory_order_relaxed);
    return sum;
  }
};

} // namespace chorus::net_detail
