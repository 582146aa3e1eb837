#pragma once
// A connection's outbound bytes: shared frames (appended by reference, never copied) and
// Beast's own writes, in order. io-thread only. Flushing gathers it into one writev.
#include <cstddef>
#include <vector>

#include <sys/uio.h>

#include "actors/connection.hpp"

namespace chorus::net_detail {

class output_queue {
public:
  void push(shared_frame frame);
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
  struct chunk {
    shared_frame frame;
    std::size_t offset = 0;
  };
  // A vector consumed from `head_` (std::deque would allocate ~600 bytes per idle
  // connection up front); emptied, it releases nothing but reuses its capacity.
  std::vector<chunk> chunks_;
  std::size_t head_ = 0;
  std::size_t bytes_ = 0;
};

} // namespace chorus::net_detail
