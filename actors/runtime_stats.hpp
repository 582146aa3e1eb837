#pragma once
// Counters shared by actors/ and net/ (fed lock-free, read by the /stats endpoint and
// tests). Relaxed atomics: they are figures, not synchronisation.
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/histogram.hpp"
#include "protocol/protocol_error.hpp"

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

/// How a phx_join ended (/metrics chorus_joins_total{result}).
enum class join_outcome : std::uint8_t {
  ok,
  rejected,           // the join callback said error
  crashed,            // the join callback threw
  unmatched_topic,
  too_many_channels,
  topic_limit,
  subscriber_limit,
  failed,             // the subscribe failed otherwise (logged)
  count_
};
const char* to_string(join_outcome j) noexcept;

/// Status of a phx_reply, bounded to three label values.
enum class reply_status : std::uint8_t { ok, error, other, count_ };
const char* to_string(reply_status s) noexcept;
inline reply_status reply_status_of(std::string_view status) noexcept {
  return status == "ok" ? reply_status::ok : status == "error" ? reply_status::error : reply_status::other;
}

inline constexpr double join_duration_bounds[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                  0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5, 5};
inline constexpr double fanout_duration_bounds[] = {0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005,
                                                    0.001,    0.0025,  0.005,    0.01,    0.025,  0.05,    0.1};

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
  std::atomic<std::uint64_t> subscribers{0};   // connection and app subscriptions of live topics
  std::atomic<std::uint64_t> broadcasts{0};    // broadcasts fanned out by this node's topics
  std::atomic<std::uint64_t> leaves{0};        // joined channels that ended (any cause)
  std::array<std::atomic<std::uint64_t>, std::size_t(join_outcome::count_)> joins{};
  std::array<std::atomic<std::uint64_t>, std::size_t(reply_status::count_)> replies{};
  /// Connections closed for an undecodable frame, by kind (protocol::error_kind).
  std::array<std::atomic<std::uint64_t>, 16> bad_frames{};
  histogram join_duration{join_duration_bounds};      // phx_join received → reply decided
  histogram fanout_duration{fanout_duration_bounds};  // one broadcast's local fan-out in its topic

  /// Clustered nodes only: this node's name and its peers (written by the cluster actor).
  mutable std::mutex cluster_mutex;
  std::string node_name;
  std::map<std::string, peer_counters> peers;  // by peer name, down ones included

  void count(refusal r) noexcept { refusals[std::size_t(r)].fetch_add(1, std::memory_order_relaxed); }
  std::uint64_t get(refusal r) const noexcept { return refusals[std::size_t(r)].load(); }
  void count(join_outcome j) noexcept { joins[std::size_t(j)].fetch_add(1, std::memory_order_relaxed); }
  void count(reply_status s) noexcept { replies[std::size_t(s)].fetch_add(1, std::memory_order_relaxed); }
  void count(protocol::error_kind k) noexcept {
    if (std::size_t(k) < bad_frames.size()) bad_frames[std::size_t(k)].fetch_add(1, std::memory_order_relaxed);
  }
  nlohmann::json to_json() const;
};

} // namespace chorus
