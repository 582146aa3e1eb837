#pragma once
// Counters shared by actors/ and net/ (fed lock-free, read by the /stats endpoint and
// tests). Relaxed atomics: they are figures, not synchronisation.
#include <array>
#include <atomic>
#include <cstdint>

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

struct runtime_stats {
  std::atomic<std::uint64_t> connections{0};  // currently open
  std::atomic<std::uint64_t> connections_total{0};
  std::atomic<std::uint64_t> topics{0};       // live topic actors
  std::atomic<std::uint64_t> frames_in{0};
  std::atomic<std::uint64_t> frames_out{0};
  std::atomic<std::uint64_t> bytes_in{0};
  std::atomic<std::uint64_t> bytes_out{0};
  std::array<std::atomic<std::uint64_t>, std::size_t(refusal::count_)> refusals{};

  void count(refusal r) noexcept { refusals[std::size_t(r)].fetch_add(1, std::memory_order_relaxed); }
  std::uint64_t get(refusal r) const noexcept { return refusals[std::size_t(r)].load(); }
  nlohmann::json to_json() const;
};

} // namespace chorus
