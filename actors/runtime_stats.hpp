#pragma once
// Counters shared by actors/ and net/ (fed lock-free, read by the /stats endpoint and
// tests). Relaxed atomics: they are figures, not synchronisation.
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace chorus {

/// Why something was refused or closed; one counter each.
enum class refusal : std::uint8_t {
  unmatched_topic,
  join_rejected,
  join_crashed,
  too_many_channels,
  topic_limit,
  subscriber_limit,
  handler_crashed,
  unhandled_event,
  bad_payload,
  undecodable_frame,
  heartbeat_timeout,
  connect_refused,
  rate_limited,
  faulty_subscriber,  // an app actor answered a pubsub_message with an error: dropped
  count_  // number of kinds
};

const char* to_string(refusal r) noexcept;

/// One peer of a clustered node, as /stats shows it (cluster actor → net/).
struct peer_counters {
  std::string address;
  std::uint64_t incarnation = 0;
  bool up = false;
  std::uint64_t queued_bytes = 0;   // waiting to be sent plus sent and not yet acknowledged
  std::uint64_t batches_out = 0;
  std::uint64_t items_out = 0;
  std::uint64_t batches_in = 0;
  std::uint64_t items_in = 0;
  std::uint64_t dropped = 0;        // broadcasts not sent to it (byte cap, or cut)
  std::uint64_t ups = 0;            // times it came up (1 + reconnects)
  std::uint64_t downs = 0;
  std::uint64_t seq_gaps = 0;       // batches that did not follow the previous one
  std::uint64_t bad_items = 0;      // payloads it sent that did not parse
  std::uint64_t interest = 0;       // its topics with subscribers
};

struct runtime_stats {
  std::atomic<std::uint64_t> connections{0};  // currently open
  std::atomic<std::uint64_t> connections_total{0};
  std::atomic<std::uint64_t> topics{0};       // live topic actors
  std::atomic<std::uint64_t> frames_in{0};
  std::atomic<std::uint64_t> frames_out{0};
  std::atomic<std::uint64_t> bytes_in{0};
  std::atomic<std::uint64_t> bytes_out{0};
  std::array<std::atomic<std::uint64_t>, std::size_t(refusal::count_)> refusals{};

  /// Clustered nodes only: this node's name and its peers (written by the cluster actor).
  mutable std::mutex cluster_mutex;
  std::string node_name;
  std::map<std::string, peer_counters> peers;  // by peer name, down ones included

  void count(refusal r) noexcept { refusals[std::size_t(r)].fetch_add(1, std::memory_order_relaxed); }
  std::uint64_t get(refusal r) const noexcept { return refusals[std::size_t(r)].load(); }
  nlohmann::json to_json() const;
};

} // namespace chorus
