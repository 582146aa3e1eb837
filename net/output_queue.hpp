#pragma once
// A connection's outbound bytes: shared frames (appended by reference, never copied) and
// Beast's own writes, in order. io-thread only. Flushing gathers it into one writev.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <sys/uio.h>

#include "actors/connection.hpp"

namespace chorus::net_detail {

class output_queue {
public:
  /// `live_total`: where this queue's size is also kept, summed with its io thread's other
  /// queues (single writer: a relaxed load and store, no read-modify-write per frame).
  explicit output_queue(std::atomic<std::int64_t>* live_total = nullptr) : live_total_(live_total) {}
  ~output_queue() { adjust(-static_cast<std::int64_t>(bytes_)); }
  output_queue(const output_queue&) = delete;
  output_queue& operator=(const output_queue&) = delete;

  void push(shared_frame frame);
  /// Bytes of this connection only (an HTTP response, the 101): taken over, not shared.
  void push(std::string bytes);
  bool empty() const noexcept { return head_ == chunks_.size(); }
  std::size_t bytes() const noexcept { return bytes_; }
  /// Fills up to `max` iovecs from the front; returns how many.
  std::size_t gather(iovec* out, std::size_t max) const noexcept;
  /// Drops `n` written bytes from the front.
  void consume(std::size_t n) noexcept;
  /// Drops every chunk not yet started (keeps a partly written front chunk, so the
  /// byte stream stays valid WebSocket framing).
  void drop_unstarted() noexcept;

private:
  void adjust(std::int64_t delta) noexcept {
    bytes_ = static_cast<std::size_t>(static_cast<std::int64_t>(bytes_) + delta);
    if (live_total_) live_total_->store(live_total_->load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
  }

  struct chunk {
    shared_frame frame;
    std::size_t offset = 0;
  };
  // A vector consumed from `head_` (std::deque would allocate ~600 bytes per idle
  // connection up front); emptied, it releases nothing but reuses its capacity.
  std::vector<chunk> chunks_;
  std::size_t head_ = 0;
  std::size_t bytes_ = 0;
  std::atomic<std::int64_t>* live_total_;
};

} // namespace chorus::net_detail
